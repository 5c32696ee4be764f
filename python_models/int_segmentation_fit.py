"""The one K-means fit of a build. Every segment table reads what it recorded; nothing fits
again. Settings: meta.segmentation in the YAML beside, and the var segment_count. Ids and names
carry over from the latest earlier run stored in segmentation_runs / segment_centroids (read
directly, not through ref(): they are this model's own history, built downstream of it)."""

from customer_segmentation.import_lock import IMPORT_LOCK

with IMPORT_LOCK:  # the other fit may be importing scikit-learn on the next thread
    from customer_segmentation.segmentation.config import SegmentationConfig
    from customer_segmentation.segmentation.fit import fit_segments
    from customer_segmentation.segmentation.fit_table import fit_relation, read_features
    from customer_segmentation.segmentation.matching import read_previous_run
    from customer_segmentation.segmentation.names import NamingVocabulary


def model(dbt, session):
    dbt.config(materialized="table")
    settings = SegmentationConfig.for_format(
        dbt.config.meta_get("segmentation"),
        dbt.config.meta_get("raw_format"),
        dbt.config.meta_get("segment_count"),
    )
    as_of = dbt.ref("int_as_of_date").df()
    as_of_date = str(as_of["as_of_date"].iloc[0])[:10]
    vocabulary = NamingVocabulary(
        archetypes=dbt.ref("segment_archetypes").df(),
        descriptors=dbt.ref("segment_descriptors").df(),
    )
    previous = read_previous_run(session, dbt.config.meta_get("history_schema"), as_of_date)
    features = read_features(dbt.ref("customer_features"), settings)
    return fit_relation(session, fit_segments(features, settings, vocabulary, previous, as_of_date))
