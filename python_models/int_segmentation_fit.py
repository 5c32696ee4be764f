"""The one K-means fit of a build. customer_segments, cluster_k_selection and the profiles
read what it recorded; nothing fits again. Settings: meta.segmentation in the YAML beside."""

from customer_segmentation.clustering import SegmentationConfig, fit_segments


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationConfig.for_format(
        dbt.config.meta_get("segmentation"), dbt.config.meta_get("raw_format")
    )
    features = dbt.ref("customer_features").df()
    name_terms = dbt.ref("segment_name_terms").df()
    return fit_segments(features, settings, name_terms).to_frame()
