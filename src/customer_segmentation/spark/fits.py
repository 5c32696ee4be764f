"""The Python models' fits run against Spark tables, with the same fit functions as on DuckDB.

Size: the features are collected to the driver and fitted with scikit-learn, exactly as on
DuckDB, up to `--local-limit` customers (default 2,000,000: about 20 doubles a customer, a
few hundred MB of driver memory). Beyond it, k is chosen with the same rule on the fit sample
(`fit_sample_size` rows, which is all the DuckDB fit uses to choose k too) and the final
K-means with that k runs in Spark on every customer; see `fit_segments_distributed`.
"""

from __future__ import annotations

import pandas as pd

from customer_segmentation.predicted_value.fit_table import fit_predicted_value
from customer_segmentation.predicted_value.settings import PredictionSettings
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.frames import FIT_COLUMN_TYPES as SEGMENTATION_TYPES
from customer_segmentation.segmentation.matching import PreviousRun, previous_run_from
from customer_segmentation.segmentation.names import NamingVocabulary
from customer_segmentation.segmentation.prepare import ID_COLUMN
from customer_segmentation.spark.assign import (
    lloyd_in_spark,
    member_means_in_spark,
    standardised_column,
    with_discriminant,
    with_distance_to,
    with_nearest_center,
)
from customer_segmentation.spark.session import (
    Manifest,
    check_fit_frame,
    python_rows,
    spark_schema,
    to_pandas,
)

DEFAULT_LOCAL_LIMIT = 2_000_000


def read_previous_run_spark(spark, schema: str, as_of_date: str) -> PreviousRun | None:
    """segmentation.matching.read_previous_run, through Spark: the latest stored run before
    as_of_date, or None when the history tables do not exist yet."""
    tables = {row.tableName for row in spark.sql(f"show tables in {schema}").collect()}
    if not {"segmentation_runs", "segment_centroids"} <= tables:
        return None
    return previous_run_from(
        lambda sql, params: to_pandas(spark.sql(sql, args=params)), schema, as_of_date
    )


def fit_segmentation(spark, manifest: Manifest, local_limit: int) -> pd.DataFrame:
    node = manifest.python_model("int_segmentation_fit")
    meta = node["config"]["meta"]
    settings = SegmentationConfig.for_format(
        meta["segmentation"], meta["raw_format"], meta.get("segment_count")
    )
    as_of = to_pandas(spark.table(manifest.relation("int_as_of_date")))
    as_of_date = str(as_of["as_of_date"].iloc[0])[:10]
    vocabulary = NamingVocabulary(
        archetypes=to_pandas(spark.table(manifest.relation("segment_archetypes"))),
        descriptors=to_pandas(spark.table(manifest.relation("segment_descriptors"))),
    )
    previous = read_previous_run_spark(spark, meta["history_schema"], as_of_date)
    features_table = spark.table(manifest.relation("customer_features"))
    n_customers = features_table.count()
    if n_customers > local_limit:
        return fit_segments_distributed(
            spark, features_table, settings, vocabulary, previous, as_of_date
        )
    return fit_segments(
        to_pandas(features_table), settings, vocabulary, previous, as_of_date
    ).to_frame()


def fit_segments_distributed(spark, features_table, settings, vocabulary, previous, as_of_date):
    """Beyond the local limit: the same rule on a sample, the final K-means on everyone.

    The DuckDB fit already chooses k, and measures silhouette, stability, tests and rules, on
    fixed-size samples (`fit_sample_size`, `silhouette_sample_size`, ...). Here that sample is
    drawn in Spark and fitted by the same `fit_segments`, which gives k, the feature treatment
    (fences, log, impute, scaler), the feature weights, the centroids and named segments. Then
    every customer is standardised with that treatment in Spark, and Lloyd's K-means runs on
    all of them in Spark, in the weighted distance, started from the sample fit's centroids
    (pyspark.ml's K-means cannot be given a start, and from its own k-means|| start it settled
    in another partition of the weighted space: ARI 0.59 against the DuckDB fit on the test
    fixture); segment ids and names are the sample fit's. Where the sample fit's shared-
    covariance rule assigned customers (methods 4 and 5), that linear rule assigns everyone in Spark
    instead, as the DuckDB fit applies its sample's rule to everyone, and the centroids become
    the members' means. Customer, centroid and run rows
    describe the full fit; the other rows are the sample's measurements, as on DuckDB. Returns
    a Spark DataFrame with int_segmentation_fit's columns.
    """
    from pyspark.sql import functions as F

    n_customers = features_table.count()
    fraction = min(1.0, 1.2 * settings.fit_sample_size / max(n_customers, 1))
    sample = to_pandas(
        features_table.sample(fraction=fraction, seed=settings.seed)
        .orderBy(ID_COLUMN)
        .limit(settings.fit_sample_size)
    )
    fit = fit_segments(sample, settings, vocabulary, previous, as_of_date)
    used = fit.features[fit.features["is_feature_used"]].reset_index(drop=True)
    z_names = [f"z_{position}" for position in range(len(used))]
    standardised = features_table.select(
        F.col(ID_COLUMN).cast("string").alias(ID_COLUMN),
        *[
            standardised_column(feature).alias(name)
            for name, feature in zip(z_names, used.itertuples(), strict=True)
        ],
    ).cache()
    sample_centers = fit.centroids.pivot(
        index="segment_id", columns="feature_name", values="centroid_z_score"
    )[list(used["feature_name"])]
    segment_ids = [int(s) for s in sample_centers.index]
    weights = used["feature_weight"].to_numpy(float)
    rule = fit.centroids.pivot(
        index="segment_id", columns="feature_name", values="discriminant_coefficient"
    )[list(used["feature_name"])]
    if rule.notna().all().all():  # the sample's shared-covariance rule assigns everyone
        intercepts = fit.centroids.groupby("segment_id")["discriminant_intercept"].first()
        predicted = with_discriminant(
            standardised, z_names, rule.to_numpy(float), intercepts[rule.index].to_numpy(float)
        )
        centers = member_means_in_spark(predicted, z_names, sample_centers.to_numpy(float))
        predicted = with_distance_to(predicted, z_names, weights, centers).cache()
    else:
        centers = lloyd_in_spark(standardised, z_names, weights, sample_centers.to_numpy(float))
        predicted = with_nearest_center(standardised, z_names, weights, centers).cache()
    segment_of = dict(enumerate(segment_ids))
    names = fit.segments.set_index("segment_id")

    def by_cluster(values: dict):
        return F.create_map(*[F.lit(x) for pair in values.items() for x in pair])

    assigned = predicted.select(
        ID_COLUMN,
        by_cluster(segment_of)[F.col("prediction")].alias("segment_id"),
        F.sqrt("squared_distance").alias("distance_to_centroid"),
    )
    member_means = pd.DataFrame(centers, columns=z_names)
    segment_names = {s: names.at[s, "segment_name"] for s in segment_of.values()}
    archetypes = {s: names.at[s, "segment_archetype"] for s in segment_of.values()}
    customers = assigned.select(
        F.concat(F.lit("customer|"), F.col(ID_COLUMN)).alias("fit_row_id"),
        F.lit("customer").alias("row_kind"),
        ID_COLUMN,
        F.col("segment_id").cast("long").alias("segment_id"),
        by_cluster(segment_names)[F.col("segment_id")].alias("segment_name"),
        by_cluster(archetypes)[F.col("segment_id")].alias("segment_archetype"),
        "distance_to_centroid",
    )
    frame = fit.to_frame()
    frame = frame[frame["row_kind"] != "customer"].reset_index(drop=True)
    scaler = used.set_index("feature_name")
    for cluster, segment_id in segment_of.items():
        z_scores = member_means.loc[cluster].to_numpy(float)
        for name, z_score in zip(used["feature_name"], z_scores, strict=True):
            row = (
                (frame["row_kind"] == "centroid")
                & (frame["segment_id"] == segment_id)
                & (frame["feature_name"] == name)
            )
            frame.loc[row, "centroid_z_score"] = float(z_score)
            frame.loc[row, "centroid_value"] = float(
                z_score * scaler.at[name, "scaler_scale"] + scaler.at[name, "scaler_mean"]
            )
    run = frame["row_kind"] == "run"
    frame.loc[run, "scored_customer_count"] = n_customers
    frame.loc[run, "distance_p95"] = float(
        assigned.select(F.percentile_approx("distance_to_centroid", 0.95, 10000)).first()[0]
    )
    check_fit_frame(frame, "int_segmentation_fit (sample rows)")
    others = spark.createDataFrame(python_rows(frame), spark_schema(frame, SEGMENTATION_TYPES))
    return others.unionByName(customers, allowMissingColumns=True)


def fit_clv(spark, manifest: Manifest) -> pd.DataFrame:
    meta = manifest.python_model("int_clv_fit")["config"]["meta"]
    settings = PredictionSettings.from_meta(meta.get)
    summaries = to_pandas(spark.table(manifest.relation("int_clv_calibration_summaries")))
    training = to_pandas(spark.table(manifest.relation("int_clv_training_windows")))
    return fit_predicted_value(summaries, settings, training)
