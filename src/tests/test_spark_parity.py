"""The same fixture built on DuckDB and on Spark gives the same marts, row by row.

`make test-spark` builds the fixture on Spark (every dbt test runs there) and then runs this
module with SPARK_PARITY_DIR set to that build; here the same raw folder is built on DuckDB
and the main marts are compared. Without SPARK_PARITY_DIR (plain `pytest`) the module is
skipped: it needs Java 17 and the Spark packages (requirements-spark.txt). When the variable
is set, a missing or broken Spark build fails the tests instead of skipping them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import PROJECT_DIR, assert_succeeded, build_warehouse, run_dbt

pytestmark = [pytest.mark.dbt, pytest.mark.spark, pytest.mark.usefixtures("dbt_available")]

PARITY_DIR = os.environ.get("SPARK_PARITY_DIR")
if not PARITY_DIR:
    pytest.skip(
        "SPARK_PARITY_DIR is not set: run `make test-spark` (needs Java 17)",
        allow_module_level=True,
    )

SCHEMA = "customer_segmentation"
# Marts compared value by value (key, then every column).
ROW_BY_ROW = {
    "customer_rfm": "customer_id",
    "customer_engagement": "customer_id",
    "customer_features": "customer_id",
    "customers": "customer_id",
    "customer_value": "customer_id",
    # Built from purchase spans and month arithmetic that the engines spell alike but run apart.
    "customer_months": "customer_month_id",
}
STAGING = [
    "stg_canonical__customers",
    "stg_canonical__order_lines",
    "stg_canonical__products",
    "stg_canonical__web_sessions",
    "stg_canonical__marketing_events",
    "stg_canonical__support_tickets",
    "stg_canonical__survey_responses",
    "stg_canonical__product_reviews",
    "stg_canonical__exchange_rates",
]


@pytest.fixture(scope="module")
def spark_build():
    """The Spark warehouse that `make test-spark` built: its raw folder and a session on it."""
    parity_dir = Path(PARITY_DIR)
    raw_dir = parity_dir / "raw"
    assert (raw_dir / "customers.csv").exists(), f"no fixture raw folder at {raw_dir}"
    os.environ["SPARK_DIR"] = str(parity_dir / "spark")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from customer_segmentation.spark.session import spark_session, spark_settings

    spark = spark_session(spark_settings(PROJECT_DIR / "profiles.yml"))
    yield raw_dir, spark
    spark.stop()


@pytest.fixture(scope="module")
def duckdb_build(spark_build, tmp_path_factory):
    raw_dir, _ = spark_build
    build = build_warehouse(raw_dir, tmp_path_factory.mktemp("parity_duckdb"))
    assert_succeeded(build)
    return build


def _spark_frame(spark, relation: str) -> pd.DataFrame:
    from customer_segmentation.spark.session import to_pandas

    return to_pandas(spark.table(relation))


def _duckdb_frame(build, relation: str) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(build.db_path), read_only=True) as connection:
        return connection.execute(f"select * from {relation}").df()


def _normalised(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Same column order, rows by key, and one representation per kind of value (dates and
    timestamps as ISO text, numbers as floats, missing as None)."""
    frame = frame[sorted(frame.columns)].sort_values(key, kind="mergesort").reset_index(drop=True)
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
        else:
            out[column] = values.map(_plain_value)
    return pd.DataFrame(out)


def _plain_value(value):
    """Spark gives dates as datetime.date, DuckDB (through pandas) as timestamps at midnight."""
    if value is None or value is pd.NA or value != value:
        return None
    if hasattr(value, "isoformat"):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    return value


def _assert_same_rows(duck: pd.DataFrame, spark: pd.DataFrame, key: str, name: str) -> None:
    assert sorted(duck.columns) == sorted(spark.columns), f"{name}: columns differ"
    assert len(duck) == len(spark), f"{name}: {len(duck)} rows on DuckDB, {len(spark)} on Spark"
    duck, spark = _normalised(duck, key), _normalised(spark, key)
    for column in duck.columns:
        left, right = duck[column], spark[column]
        if left.dtype == "float64" or right.dtype == "float64":
            left = pd.to_numeric(left, errors="coerce").to_numpy(dtype=float)
            right = pd.to_numeric(right, errors="coerce").to_numpy(dtype=float)
            same = np.isclose(left, right, rtol=1e-9, atol=1e-9, equal_nan=True)
        else:
            same = (left.isna() & right.isna()) | (left == right)
            same = np.asarray(same, dtype=bool)
        bad = np.flatnonzero(~same)
        assert not len(bad), (
            f"{name}.{column}: {len(bad)} rows differ, e.g. {key}={duck[key].iloc[bad[0]]}: "
            f"DuckDB {duck[column].iloc[bad[0]]!r}, Spark {spark[column].iloc[bad[0]]!r}"
        )


@pytest.mark.parametrize("mart", sorted(ROW_BY_ROW))
def test_mart_is_identical_on_both_engines(mart, spark_build, duckdb_build):
    _, spark = spark_build
    key = ROW_BY_ROW[mart]
    _assert_same_rows(
        _duckdb_frame(duckdb_build, mart), _spark_frame(spark, f"{SCHEMA}.{mart}"), key, mart
    )


def test_rfm_scores_identical(spark_build, duckdb_build):
    """The RFM scores and codes, the mart's point, spelled out on their own."""
    _, spark = spark_build
    columns = ["customer_id", "recency_score", "frequency_score", "monetary_score", "rfm_code"]
    duck = _duckdb_frame(duckdb_build, "customer_rfm")[columns].sort_values("customer_id")
    other = _spark_frame(spark, f"{SCHEMA}.customer_rfm")[columns].sort_values("customer_id")
    assert duck.astype(str).values.tolist() == other.astype(str).values.tolist()


def test_staging_and_quarantine_row_counts_match(spark_build, duckdb_build):
    _, spark = spark_build
    for model in STAGING:
        duck = len(_duckdb_frame(duckdb_build, f"main_staging.{model}"))
        other = spark.table(f"{SCHEMA}_staging.{model}").count()
        assert duck == other, f"{model}: {duck} rows on DuckDB, {other} on Spark"
    counts = "select reason_code, count(*) as n from {} group by reason_code order by reason_code"
    duck = _duckdb_frame(duckdb_build, "quarantine")
    duck_counts = duck.groupby("reason_code").size().sort_index().to_dict()
    other_counts = {
        row.reason_code: row.n for row in spark.sql(counts.format(f"{SCHEMA}.quarantine")).collect()
    }
    assert duck_counts == other_counts


@pytest.mark.parametrize("mart", ["clv_model_evaluation", "clv_spend_evaluation"])
def test_predicted_value_models_score_alike_on_both_engines(mart, spark_build, duckdb_build):
    """The CLV fits (BG/NBD, Gamma-Gamma, the learned model) run in Python on what each engine
    computed, and their holdout scores come back through SQL: the same rows on both."""
    _, spark = spark_build

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(evaluation_key=frame["model_name"] + "|" + frame["evaluation_group"])

    duck = keyed(_duckdb_frame(duckdb_build, mart))
    assert "gradient_boosting" in set(duck["model_name"]), "the learned model was not fitted"
    _assert_same_rows(duck, keyed(_spark_frame(spark, f"{SCHEMA}.{mart}")), "evaluation_key", mart)


def test_the_published_model_is_chosen_alike_on_both_engines(spark_build, duckdb_build):
    _, spark = spark_build
    relation = "int_clv_model_selection"
    duck = _duckdb_frame(duckdb_build, f"main_intermediate.{relation}")
    other = _spark_frame(spark, f"{SCHEMA}_intermediate.{relation}")
    # The reason is text with numbers, which the engines print alike only up to format.
    reasons = {frame["selection_reason"].iloc[0].split(":")[0] for frame in (duck, other)}
    assert len(reasons) == 1, reasons
    columns = [c for c in duck.columns if c != "selection_reason"]
    _assert_same_rows(duck[columns], other[columns], "model_name", relation)
    mart = "customer_predicted_value"
    duck_published = _duckdb_frame(duckdb_build, mart)["prediction_model_name"].unique()
    spark_published = _spark_frame(spark, f"{SCHEMA}.{mart}")["prediction_model_name"].unique()
    assert duck_published.tolist() == spark_published.tolist()


def test_segments_agree(spark_build, duckdb_build, record_property):
    """Same seed, same features, same scikit-learn fit: the same segments (ARI reported)."""
    from sklearn.metrics import adjusted_rand_score

    _, spark = spark_build
    duck = _duckdb_frame(duckdb_build, "customer_segments").sort_values("customer_id")
    other = _spark_frame(spark, f"{SCHEMA}.customer_segments").sort_values("customer_id")
    assert duck["customer_id"].tolist() == other["customer_id"].tolist()
    ari = adjusted_rand_score(duck["segment_id"], other["segment_id"])
    record_property("segments_ari", ari)
    print(f"customer_segments: ARI between DuckDB and Spark = {ari:.6f}")
    assert ari == 1.0
    assert duck["segment_id"].tolist() == other["segment_id"].tolist()
    assert duck["segment_name"].tolist() == other["segment_name"].tolist()


def test_distributed_fit_path_agrees(spark_build, duckdb_build, record_property):
    """The distributed path (for feature marts beyond --local-limit), forced here with a limit
    of 100 customers: k, fences and weights from the same rule, every customer assigned by
    K-means run in Spark."""
    from sklearn.metrics import adjusted_rand_score

    from customer_segmentation.spark.fits import fit_segmentation
    from customer_segmentation.spark.session import Manifest

    _, spark = spark_build
    manifest = Manifest(Path(PARITY_DIR) / "target" / "manifest.json")
    fitted = fit_segmentation(spark, manifest, local_limit=100)
    assert not isinstance(fitted, pd.DataFrame), "the limit did not select the distributed path"
    customers = (
        fitted.where("row_kind = 'customer'")
        .select("customer_id", "segment_id")
        .toPandas()
        .sort_values("customer_id")
    )
    duck = _duckdb_frame(duckdb_build, "customer_segments").sort_values("customer_id")
    assert customers["customer_id"].tolist() == duck["customer_id"].tolist()
    assert customers["segment_id"].nunique() == duck["segment_id"].nunique()
    ari = adjusted_rand_score(duck["segment_id"], customers["segment_id"])
    record_property("distributed_segments_ari", ari)
    print(f"distributed path vs DuckDB scikit-learn fit: ARI = {ari:.4f}")
    assert ari >= 0.8


# Assign mode rebuilds only the SQL twin and what reads it, on the history both fits stored.
ASSIGN_SELECTION = ["int_reference_centroids", "int_centroid_assignment", "int_segment_assignment+"]


def test_assign_mode_agrees(spark_build, duckdb_build, tmp_path):
    """segment_mode=assign (no refit: each customer to the stored run's rule, in SQL) on
    both engines, after their fits: the same segments on both, and the ones the fit gave.

    Last in the module on purpose: it replaces both warehouses' segment marts. On Spark dbt runs
    in this process, because the Spark session above holds the (single-user) Derby metastore;
    dbt-spark's session method picks that session up."""
    from dbt.cli.main import dbtRunner

    raw_dir, spark = spark_build
    fitted = _spark_frame(spark, f"{SCHEMA}.customer_segments").sort_values("customer_id")
    assign_vars = {"raw_dir": str(raw_dir), "segment_mode": "assign"}
    selection = ["--select", *ASSIGN_SELECTION]

    duck_result = run_dbt(
        ["build", *selection],
        raw_dir=raw_dir,
        db_path=duckdb_build.db_path,
        target_dir=tmp_path / "duckdb_target",
        extra_vars={"segment_mode": "assign"},
    )
    assert duck_result.returncode == 0, duck_result.stdout[-6000:]
    spark_result = dbtRunner().invoke(
        ["build", *selection, "--target", "spark", "--vars", json.dumps(assign_vars)]
        + ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
        + ["--target-path", str(tmp_path / "spark_target"), "--log-path", str(tmp_path)]
    )
    failed = [
        f"{result.node.name}: {result.status} {result.message}"
        for result in (spark_result.result or [])
        if str(result.status) not in ("success", "pass")
    ]
    assert spark_result.success, f"assign build on Spark failed: {failed or spark_result.exception}"
    assert len(spark_result.result) > 10, "the selection built too little to mean anything"

    runs = spark.sql(f"select segment_mode from {SCHEMA}.segmentation_runs").toPandas()
    assert runs["segment_mode"].tolist() == ["assign"]
    duck = _duckdb_frame(duckdb_build, "customer_segments").sort_values("customer_id")
    other = _spark_frame(spark, f"{SCHEMA}.customer_segments").sort_values("customer_id")
    assert (
        duck["customer_id"].tolist()
        == other["customer_id"].tolist()
        == fitted["customer_id"].tolist()
    )
    assert duck["segment_id"].tolist() == other["segment_id"].tolist()
    assert duck["segment_name"].tolist() == other["segment_name"].tolist()
    assert other["segment_id"].tolist() == fitted["segment_id"].tolist()
