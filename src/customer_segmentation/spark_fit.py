"""The Python models' fits on Spark: `python -m customer_segmentation.spark_fit`.

dbt-spark's session method cannot run dbt Python models, so on Spark the build stops at the
marts the fits read (customer_features, int_clv_calibration_summaries), this module runs the
same fit functions the models run on DuckDB, and writes back every table those models write
(`int_segmentation_fit`, `int_clv_fit`: same names, schema and columns) before dbt builds the
rest. Settings come from the disabled models' config in dbt's manifest, so YAML stays the one
place they are set.

Size: the features are collected to the driver and fitted with scikit-learn, exactly as on
DuckDB, up to `--local-limit` customers (default 2,000,000: about 20 doubles a customer, a
few hundred MB of driver memory). Beyond it, k is chosen with the same rule on the fit sample
(`fit_sample_size` rows, which is all the DuckDB fit uses to choose k too) and the final
K-means with that k is fitted by `pyspark.ml` on every customer; see `fit_segments_distributed`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from jinja2 import Environment

from customer_segmentation.predicted_value import FIT_COLUMN_TYPES as CLV_TYPES
from customer_segmentation.predicted_value import PredictionSettings, fit_predicted_value
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.frames import FIT_COLUMN_TYPES as SEGMENTATION_TYPES
from customer_segmentation.segmentation.matching import PreviousRun, previous_run_from
from customer_segmentation.segmentation.names import NamingVocabulary
from customer_segmentation.segmentation.prepare import ID_COLUMN

PROJECT_DIR = Path(__file__).resolve().parents[2]
PACKAGE = "customer_segmentation"
DEFAULT_LOCAL_LIMIT = 2_000_000


def spark_settings(profiles_path: Path, target: str = "spark") -> dict[str, str]:
    """The SparkSession settings of the dbt target, rendered as dbt renders profiles.yml
    (env_var with a default), so both processes open the same warehouse and metastore."""
    environment = Environment()
    environment.globals["env_var"] = lambda name, default=None: os.environ.get(name, default)
    rendered = environment.from_string(profiles_path.read_text()).render()
    output = yaml.safe_load(rendered)[PACKAGE]["outputs"][target]
    settings = {str(k): str(v) for k, v in output.get("server_side_parameters", {}).items()}
    settings["spark.sql.ansi.enabled"] = "false"  # as dbt-spark sets it
    # pyarrow is not a dependency; without it Spark tries Arrow, warns, and falls back anyway.
    settings["spark.sql.execution.arrow.pyspark.enabled"] = "false"
    return settings


def spark_session(settings: dict[str, str]):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("customer_segmentation.spark_fit").enableHiveSupport()
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def to_pandas(dataframe) -> pd.DataFrame:
    """Collect as DuckDB's .df() would type it: decimals as floats (Spark gives Decimal
    objects), so the fit sees the same numbers on both engines."""
    from pyspark.sql import functions, types

    columns = [
        functions.col(field.name).cast("double").alias(field.name)
        if isinstance(field.dataType, types.DecimalType)
        else functions.col(field.name)
        for field in dataframe.schema.fields
    ]
    return dataframe.select(columns).toPandas()


class Manifest:
    """What the fits need from dbt's manifest: relations of enabled nodes, config of the
    Python models (disabled on Spark)."""

    def __init__(self, path: Path):
        self.data = json.loads(path.read_text())

    def relation(self, name: str) -> str:
        for unique_id, node in self.data["nodes"].items():
            if unique_id.split(".")[-1] == name and node["resource_type"] in ("model", "seed"):
                return node["relation_name"]
        raise KeyError(f"{name} is not an enabled model or seed in the manifest")

    def python_model(self, name: str) -> dict:
        unique_id = f"model.{PACKAGE}.{name}"
        nodes = self.data.get("disabled", {}).get(unique_id) or [self.data["nodes"].get(unique_id)]
        node = nodes[0]
        if node is None:
            raise KeyError(f"{unique_id} is not in the manifest")
        return node

    def output_relation(self, name: str) -> str:
        node = self.python_model(name)
        return f"{node['schema']}.{node.get('alias') or name}"


def read_previous_run_spark(spark, schema: str, as_of_date: str) -> PreviousRun | None:
    """segmentation.matching.read_previous_run, through Spark: the latest stored run before
    as_of_date, or None when the history tables do not exist yet."""
    tables = {row.tableName for row in spark.sql(f"show tables in {schema}").collect()}
    if not {"segmentation_runs", "segment_centroids"} <= tables:
        return None
    return previous_run_from(
        lambda sql, params: to_pandas(spark.sql(sql, args=params)), schema, as_of_date
    )


def spark_schema(frame: pd.DataFrame, column_types: dict[str, str]):
    from pyspark.sql import types

    spark_types = {
        "string": types.StringType(),
        "Int64": types.LongType(),
        "boolean": types.BooleanType(),
        "Float64": types.DoubleType(),
    }
    return types.StructType(
        [
            types.StructField(name, spark_types[column_types.get(name, "Float64")], True)
            for name in frame.columns
        ]
    )


def check_fit_frame(frame: pd.DataFrame, relation: str) -> None:
    """The Python models' own dbt tests (fit_row_id unique and not null, row_kind not null),
    which cannot run on Spark, where the models are disabled: checked before writing."""
    problems = []
    if frame["fit_row_id"].isna().any() or frame["fit_row_id"].duplicated().any():
        problems.append("fit_row_id is not a unique, non-null key")
    if frame["row_kind"].isna().any():
        problems.append("row_kind has nulls")
    if problems:
        raise ValueError(f"{relation}: {'; '.join(problems)}")


def write_table(spark, frame: pd.DataFrame, relation: str, column_types: dict[str, str]) -> int:
    """Replace relation with frame (parquet), typed as the DuckDB model's table is."""
    check_fit_frame(frame, relation)
    return write_dataframe(
        spark.createDataFrame(python_rows(frame), spark_schema(frame, column_types)), relation
    )


def python_rows(frame: pd.DataFrame) -> list[list]:
    """Rows of plain Python values, missing as None, for spark.createDataFrame."""
    return [
        [
            None
            if value is pd.NA or value is None or value != value
            else value.item()
            if isinstance(value, np.generic)
            else value
            for value in row
        ]
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]


def write_dataframe(dataframe, relation: str) -> int:
    """Replace relation with the Spark DataFrame, as a parquet table."""
    spark = dataframe.sparkSession
    spark.sql(f"create schema if not exists {relation.split('.')[0]}")
    dataframe.write.mode("overwrite").format("parquet").saveAsTable(relation)
    return spark.table(relation).count()


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
    (fences, log, impute, scaler), the feature weights and named segments. Then every customer
    is standardised with that treatment in Spark and weighted (sqrt of the weight),
    `pyspark.ml` K-means with that k and seed is fitted on all of them in that space, its
    centroids are paired with the sample fit's (Hungarian, so ids and names carry over) and
    each customer gets the nearest one. Customer, centroid and run rows describe the full fit;
    the other rows are the sample's measurements, as on DuckDB. Returns a Spark DataFrame with
    int_segmentation_fit's columns.
    """
    from pyspark.ml.clustering import KMeans
    from pyspark.ml.feature import VectorAssembler
    from pyspark.ml.functions import vector_to_array
    from pyspark.sql import functions as F
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist

    n_customers = features_table.count()
    fraction = min(1.0, 1.2 * settings.fit_sample_size / max(n_customers, 1))
    sample = to_pandas(
        features_table.sample(fraction=fraction, seed=settings.seed)
        .orderBy(ID_COLUMN)
        .limit(settings.fit_sample_size)
    )
    fit = fit_segments(sample, settings, vocabulary, previous, as_of_date)
    used = fit.features[fit.features["is_feature_used"]].reset_index(drop=True)
    z_columns = [
        standardised_column(feature).alias(f"z_{position}")
        for position, feature in enumerate(used.itertuples())
    ]
    # K-means works in the weighted space: z * sqrt(weight); a weight-0 feature adds nothing.
    weighted = [
        (F.col(f"z_{position}") * float(np.sqrt(feature.feature_weight))).alias(f"w_{position}")
        for position, feature in enumerate(used.itertuples())
        if feature.feature_weight > 0
    ]
    standardised = features_table.select(
        F.col(ID_COLUMN).cast("string").alias(ID_COLUMN), *z_columns
    ).select("*", *weighted)
    vectors = VectorAssembler(
        inputCols=[column for column in standardised.columns if column.startswith("w_")],
        outputCol="features",
    ).transform(standardised)
    k = int(fit.run["k"].iloc[0])
    model = KMeans(k=k, seed=settings.seed, maxIter=300, tol=1e-6).fit(vectors)
    centers = np.array(model.clusterCenters())
    kept = used[used["feature_weight"] > 0]
    sample_centers = fit.centroids.pivot(
        index="segment_id", columns="feature_name", values="centroid_z_score"
    )[list(kept["feature_name"])]
    sample_weighted = sample_centers.to_numpy() * np.sqrt(kept["feature_weight"].to_numpy(float))
    rows, columns = linear_sum_assignment(cdist(centers, sample_weighted))
    segment_of = {int(r): int(sample_centers.index[c]) for r, c in zip(rows, columns, strict=True)}
    names = fit.segments.set_index("segment_id")

    def by_cluster(values: dict):
        return F.create_map(*[F.lit(x) for pair in values.items() for x in pair])

    center_arrays = F.array(*[F.array(*[F.lit(float(v)) for v in center]) for center in centers])
    squared = F.zip_with(
        vector_to_array("features"),
        F.element_at(center_arrays, F.col("prediction") + 1),
        lambda a, b: (a - b) * (a - b),
    )
    predicted = model.transform(vectors).cache()
    assigned = predicted.select(
        ID_COLUMN,
        by_cluster(segment_of)[F.col("prediction")].alias("segment_id"),
        F.sqrt(F.aggregate(squared, F.lit(0.0), lambda total, x: total + x)).alias(
            "distance_to_centroid"
        ),
    )
    # Centroids in standardised units, every used feature (weight 0 too): the members' means.
    member_means = (
        predicted.groupBy("prediction")
        .agg(*[F.avg(f"z_{i}").alias(f"z_{i}") for i in range(len(z_columns))])
        .toPandas()
        .set_index("prediction")
        .sort_index()
    )
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
    all_sample_centers = fit.centroids.pivot(
        index="segment_id", columns="feature_name", values="centroid_z_score"
    )[list(used["feature_name"])]
    for cluster, segment_id in segment_of.items():
        z_scores = (  # a cluster pyspark left empty keeps the sample fit's centroid
            member_means.loc[cluster].to_numpy(float)
            if cluster in member_means.index
            else all_sample_centers.loc[segment_id].to_numpy(float)
        )
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


def standardised_column(feature):
    """A used feature in the fit's standardised units, in Spark: clipped to its fences (in the
    feature's own units), signed log1p when the fit used it, imputed, then scaled."""
    from pyspark.sql import functions as F

    value = F.col(feature.feature_name).cast("double")
    if not pd.isna(feature.clip_lower_value):
        value = F.greatest(value, F.lit(float(feature.clip_lower_value)))
    if not pd.isna(feature.clip_upper_value):
        value = F.least(value, F.lit(float(feature.clip_upper_value)))
    if feature.is_log_transformed:
        value = F.signum(value) * F.log1p(F.abs(value))
    value = F.coalesce(value, F.lit(float(feature.impute_value)))
    return (value - float(feature.scaler_mean)) / float(feature.scaler_scale)


def fit_clv(spark, manifest: Manifest) -> pd.DataFrame:
    meta = manifest.python_model("int_clv_fit")["config"]["meta"]
    settings = PredictionSettings(
        time_unit_days=float(meta["clv_time_unit_days"]),
        horizon_days=float(meta["clv_horizon_days"]),
        discount_rate=float(meta["clv_discount_rate"]),
    )
    summaries = to_pandas(spark.table(manifest.relation("int_clv_calibration_summaries")))
    return fit_predicted_value(summaries, settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.spark_fit", description=__doc__.split("\n")[0]
    )
    target_dir = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
    parser.add_argument("--manifest", type=Path, default=target_dir / "manifest.json")
    parser.add_argument("--profiles", type=Path, default=PROJECT_DIR / "profiles.yml")
    parser.add_argument("--target", default="spark")
    parser.add_argument("--local-limit", type=int, default=DEFAULT_LOCAL_LIMIT)
    parser.add_argument(
        "--skip-segmentation",
        action="store_true",
        help="only the CLV fit (segment_mode=assign: the SQL twin assigns the segments)",
    )
    args = parser.parse_args(argv)
    manifest = Manifest(args.manifest)
    spark = spark_session(spark_settings(args.profiles, args.target))
    try:
        if not args.skip_segmentation:
            relation = manifest.output_relation("int_segmentation_fit")
            fitted = fit_segmentation(spark, manifest, args.local_limit)
            rows = (
                write_table(spark, fitted, relation, SEGMENTATION_TYPES)
                if isinstance(fitted, pd.DataFrame)
                else write_dataframe(fitted, relation)
            )
            print(f"spark_fit: {relation}: {rows} rows")
        relation = manifest.output_relation("int_clv_fit")
        rows = write_table(spark, fit_clv(spark, manifest), relation, CLV_TYPES)
        print(f"spark_fit: {relation}: {rows} rows")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
