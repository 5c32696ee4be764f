"""The Spark side of the fits: the session dbt's profile describes, dbt's manifest, and tables
read as DuckDB would type them and written back as the Python models' tables."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from jinja2 import Environment

PACKAGE = "customer_segmentation"


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

    builder = SparkSession.builder.appName("customer_segmentation.spark").enableHiveSupport()
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
