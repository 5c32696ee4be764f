"""Exit 0 when the stored segment model is still fresh, 3 when `segment_drift` says it is stale
(so `make build SEGMENT_MODE=assign` refits), 2 when the warehouse cannot be read.

`--db FILE` reads the DuckDB warehouse; `--spark` reads the Spark one that the last dbt run
(its manifest) built, through the session settings of the profile's spark output."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[3]
STALE = 3
UNREADABLE = 2
COLUMNS = (
    "as_of_date, fitted_as_of_date, far_from_centroids_share, max_feature_mean_shift,"
    " drifted_features, is_stale"
)


def read_duckdb(db_path: Path) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(f"select {COLUMNS} from segment_drift").fetchall()


def read_spark(manifest_path: Path, profiles_path: Path) -> list[tuple]:
    from customer_segmentation.spark.session import Manifest, spark_session, spark_settings

    relation = Manifest(manifest_path).relation("segment_drift")
    spark = spark_session(spark_settings(profiles_path))
    try:
        return [tuple(row) for row in spark.sql(f"select {COLUMNS} from {relation}").collect()]
    finally:
        spark.stop()


def verdict(rows: Sequence[tuple]) -> int:
    """Print what segment_drift says and return the exit code."""
    if not rows:
        print("drift: no earlier run to compare with")
        return 0
    as_of, fitted, far_share, shift, features, is_stale = rows[0]
    print(
        f"drift as of {as_of} against the fit of {fitted}: {far_share:.1%} of customers far from"
        f" every centroid, largest feature mean shift {shift:.2f} SD"
        + (f" ({features})" if features else "")
        + (": stale" if is_stale else ": fresh")
    )
    return STALE if is_stale else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="warehouse.duckdb", type=Path)
    parser.add_argument("--spark", action="store_true", help="read the Spark warehouse instead")
    target_dir = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
    parser.add_argument("--manifest", type=Path, default=target_dir / "manifest.json")
    parser.add_argument("--profiles", type=Path, default=PROJECT_DIR / "profiles.yml")
    args = parser.parse_args(argv)
    where = f"the Spark warehouse ({args.manifest})" if args.spark else str(args.db)
    unreadable: tuple[type[BaseException], ...] = (duckdb.Error, OSError, KeyError)
    if args.spark:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        unreadable += (PySparkException, Py4JError)
    try:
        rows = read_spark(args.manifest, args.profiles) if args.spark else read_duckdb(args.db)
    except unreadable as error:
        print(f"drift: cannot read segment_drift in {where}: {error}", file=sys.stderr)
        return UNREADABLE
    return verdict(rows)


if __name__ == "__main__":
    raise SystemExit(main())
