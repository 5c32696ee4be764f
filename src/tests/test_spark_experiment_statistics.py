"""The campaign split and the interval macros say the same on Spark as on DuckDB and in Python.

The Spark fixture plans no campaign (the shipped seed is empty), so `campaign_lift` builds
there with no rows; this runs the macros it is made of on Spark itself: each compiled for both
engines with `dbt compile --inline`, then evaluated by a local Spark session and by DuckDB.
Run by `make test-spark` (SPARK_PARITY_DIR set, Java 17).
"""

from __future__ import annotations

import hashlib
import os
import subprocess

import duckdb
import pytest
from conftest import DBT, PROJECT_DIR

pytestmark = [pytest.mark.dbt, pytest.mark.spark, pytest.mark.usefixtures("dbt_available")]

if not os.environ.get("SPARK_PARITY_DIR"):
    pytest.skip(
        "SPARK_PARITY_DIR is not set: run `make test-spark` (needs Java 17)",
        allow_module_level=True,
    )

CUSTOMERS = ["C0000001", "C0001084", "x-17", "Zürich 42"]
EXPRESSIONS = {
    **{
        f"draw_{i}": f"{{{{ stable_unit_interval(\"'DEMO-REACTIVATION:{customer}'\") }}}}"
        for i, customer in enumerate(CUSTOMERS)
    },
    # Newcombe's example (a): 56/70 against 48/80.
    "lower": "{{ newcombe_difference_bound('56.0', '70.0', '48.0', '80.0', -1) }}",
    "upper": "{{ newcombe_difference_bound('56.0', '70.0', '48.0', '80.0', 1) }}",
    "wilson_zero": "{{ wilson_bound('0.0', '35.0', 1) }}",
    "t_10": "{{ t_975('10.0') }}",
    "detectable": "{{ minimum_detectable_difference('0.5', '300.0', '33.0') }}",
}


def _compiled(target: str, tmp_path) -> str:
    select = ", ".join(f"{expression} as {name}" for name, expression in EXPRESSIONS.items())
    done = subprocess.run(
        [str(DBT), "compile", "--quiet", "--target", target, "--inline", f"select {select}"]
        + ["--vars", '{"raw_dir": "/nonexistent"}'],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "SPARK_DIR": str(tmp_path / "spark"),
            "DBT_TARGET_PATH": str(tmp_path / target),
            "DBT_LOG_PATH": str(tmp_path / target / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return done.stdout


def test_split_and_intervals_agree_on_spark_duckdb_and_python(tmp_path):
    from pyspark.sql import SparkSession

    spark_sql, duckdb_sql = _compiled("spark", tmp_path), _compiled("duckdb", tmp_path)
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(tmp_path / "spark" / "warehouse"))
        .getOrCreate()
    )
    try:
        on_spark = spark.sql(spark_sql).collect()[0].asDict()
    finally:
        spark.stop()
    [on_duckdb] = duckdb.sql(duckdb_sql).df().to_dict("records")
    for name in EXPRESSIONS:
        assert isinstance(on_spark[name], float), (name, on_spark[name])
        assert on_spark[name] == pytest.approx(on_duckdb[name], rel=1e-12, abs=1e-15), name
    for i, customer in enumerate(CUSTOMERS):
        digest = hashlib.md5(f"DEMO-REACTIVATION:{customer}".encode()).hexdigest()
        assert on_duckdb[f"draw_{i}"] == int(digest[:8], 16) / 2**32
    assert round(on_duckdb["lower"], 4) == 0.0524 and round(on_duckdb["upper"], 4) == 0.3339
