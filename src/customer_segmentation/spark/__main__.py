"""The Python models' fits on Spark: `python -m customer_segmentation.spark`.

dbt-spark's session method cannot run dbt Python models, so on Spark the build stops at the
marts the fits read (customer_features, int_clv_calibration_summaries, int_clv_training_windows),
this command runs the same fit functions the models run on DuckDB (`spark.fits`), and writes
back every table those models write (`int_segmentation_fit`, `int_clv_fit`: same names, schema
and columns) before dbt builds the rest. Settings come from the disabled models' config in
dbt's manifest, so YAML stays the one place they are set.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from customer_segmentation.predicted_value.fit_table import FIT_COLUMN_TYPES as CLV_TYPES
from customer_segmentation.segmentation.frames import FIT_COLUMN_TYPES as SEGMENTATION_TYPES
from customer_segmentation.spark.fits import DEFAULT_LOCAL_LIMIT, fit_clv, fit_segmentation
from customer_segmentation.spark.session import (
    Manifest,
    spark_session,
    spark_settings,
    write_dataframe,
    write_table,
)

PROJECT_DIR = Path(__file__).resolve().parents[3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.spark", description=__doc__.split("\n")[0]
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
