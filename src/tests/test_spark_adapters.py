"""The two adapters' own reading on Spark: what the DuckDB tests check of Online Retail as UCI
publishes it and of a re-saved marketing_campaign file, built on both engines and compared.

The adapters reach Spark through dispatched macros that no other Spark test runs: the slash-date
order decided from the file's values and the parse in that order (`slash_date_order`,
`parse_slash_timestamp`), the delimiter taken from the header line (`raw_file_delimiter`,
`raw_file_first_line`) and the second edition's column names (`raw_column_names`, which Spark
applies in its raw select). Each folder is built twice, models and seeds only, on Spark and on
DuckDB, and the same queries (run by DuckDB, over the Spark run's parquet files) must agree.

Run by `make test-spark` (SPARK_PARITY_DIR set, Java 17).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from conftest import (
    assert_succeeded,
    build_warehouse,
    dbt_show_rows,
    marketing_campaign_resaved,
    run_spark_dbt,
    spark_table_query,
)
from online_retail_forms import (
    EDGE_CASES,
    EXPECTED_SLASH_DATES,
    as_uci_publishes_it,
    slash_dates_as_read,
    slash_dates_sql,
)

pytestmark = [pytest.mark.dbt, pytest.mark.spark, pytest.mark.usefixtures("dbt_available")]

if not os.environ.get("SPARK_PARITY_DIR"):
    pytest.skip(
        "SPARK_PARITY_DIR is not set: run `make test-spark` (needs Java 17)",
        allow_module_level=True,
    )

MODELS_AND_SEEDS = ["--resource-type", "model", "--resource-type", "seed"]
# Compared on both engines: every row of what the reading decides, values in one spelling.
QUARANTINE = (
    "select source_file, record_key, reason_code, column_name, quarantine_action,"
    " is_row_rejected, all_reason_codes, cast(affected_row_count as bigint), raw_record"
    " from quarantine order by all"
)
RECONCILIATION = (
    "select source_file, source_table, is_file_present, cast(raw_row_count as bigint),"
    " clean_row_count, rejected_row_count, duplicate_row_count, set_aside_row_count,"
    " value_issue_count, is_reconciled from raw_file_reconciliation order by all"
)
CUSTOMER_RFM = (
    "select customer_id, cast(last_purchase_date as varchar), recency_days, order_count,"
    " cast(monetary_amount as double), rfm_code, rfm_segment_name from customer_rfm order by all"
)


def _build_both(raw_dir: Path, work_dir: Path, raw_format: str, selection: list[str]):
    """The selection built on Spark and on DuckDB; returns one query function per engine."""
    extra_vars = {"raw_format": raw_format}
    args = ["--select", *selection, *MODELS_AND_SEEDS]
    spark_dir = work_dir / "spark_run"
    done = run_spark_dbt(
        ["build", *args], raw_dir=raw_dir, work_dir=spark_dir, extra_vars=extra_vars
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    duck = build_warehouse(raw_dir, work_dir, extra_vars=extra_vars, build_args=tuple(args))
    assert_succeeded(duck)

    def duckdb_query(sql: str, *_tables: str) -> list[tuple]:
        with duckdb.connect(str(duck.db_path), read_only=True) as connection:
            connection.execute("set search_path = 'main,main_staging'")
            return connection.execute(sql).fetchall()

    return spark_table_query(spark_dir), duckdb_query


def _assert_alike(spark, duck, queries: tuple[tuple[str, str], ...]) -> None:
    """Each (sql, table) gives the same rows on both engines."""
    for sql, table in queries:
        assert spark(sql, table) == duck(sql, table), sql


@pytest.fixture(scope="module")
def online_retail_ii(tmp_path_factory):
    """The edge-case fixture as UCI publishes it (second-edition header and file name, dates
    `12/1/2010 8:26`, integer ids), built on both engines."""
    work_dir = tmp_path_factory.mktemp("spark_online_retail_ii")
    raw_dir = as_uci_publishes_it(EDGE_CASES / "online_retail.csv", work_dir / "raw")
    selection = ["+quarantine", "+raw_file_reconciliation", "+customer_rfm"]
    return _build_both(raw_dir, work_dir, "online_retail", selection)


def test_online_retail_ii_reads_alike_on_spark(online_retail_ii):
    spark, duck = online_retail_ii
    lines = (
        "select order_line_id, order_id, line_number, customer_id, product_id, country, quantity,"
        " cast(unit_price_original_amount as double), cast(ordered_at as varchar),"
        " invoice_date_order, is_cancellation, is_non_product, is_rejected, rejection_reason"
        " from base_online_retail__order_lines order by all"
    )
    _assert_alike(
        spark,
        duck,
        (
            (lines, "base_online_retail__order_lines"),
            (QUARANTINE, "quarantine"),
            (RECONCILIATION, "raw_file_reconciliation"),
            (CUSTOMER_RFM, "customer_rfm"),
        ),
    )
    # The dates were read month first (assumed: no number above 12 in either place) and parsed.
    assert spark(
        "select invoice_date_order, count(ordered_at), count(*)"
        " from base_online_retail__order_lines group by all",
        "base_online_retail__order_lines",
    ) == [("month_first_assumed", 18, 18)]
    assert spark("select source_file from raw_file_reconciliation", "raw_file_reconciliation") == [
        ("online_retail_II.csv",)
    ]


def test_slash_dates_are_read_in_the_order_the_file_shows_on_spark(tmp_path):
    shown = run_spark_dbt(
        ["show", "--inline", slash_dates_sql(), "--limit", "100", "--output", "json"]
        + ["--log-format", "json"],
        raw_dir=EDGE_CASES,
        work_dir=tmp_path,
        extra_vars={"raw_format": "online_retail"},
    )
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-2000:]
    assert slash_dates_as_read(dbt_show_rows(shown.stdout)) == EXPECTED_SLASH_DATES


@pytest.fixture(scope="module")
def marketing_resaved(tmp_path_factory):
    """marketing_campaign re-saved by a spreadsheet with a semicolon list separator: BOM, CRLF,
    `9/4/2012` dates (PROVENANCE.md's copies), built on both engines."""
    work_dir = tmp_path_factory.mktemp("spark_marketing_resaved")
    raw_dir = marketing_campaign_resaved(work_dir / "raw")
    selection = ["+quarantine", "+raw_file_reconciliation", "+customer_rfm"]
    return _build_both(raw_dir, work_dir, "marketing_campaign", selection)


def test_resaved_marketing_campaign_reads_alike_on_spark(marketing_resaved):
    spark, duck = marketing_resaved
    customers = (
        "select customer_id, customer_number, education, marital_status, birth_year,"
        " cast(annual_income_amount as double), kid_count, teen_count,"
        " recency_days_at_measurement, wine_spend_amount, gold_spend_amount,"
        " store_purchase_count, accepted_last_campaign, cast(signup_date as varchar),"
        " signup_date_order, is_rejected, rejection_reason, raw_row_count, raw_record"
        " from base_marketing_campaign__customers order by all"
    )
    _assert_alike(
        spark,
        duck,
        (
            (customers, "base_marketing_campaign__customers"),
            (QUARANTINE, "quarantine"),
            (RECONCILIATION, "raw_file_reconciliation"),
            (CUSTOMER_RFM, "customer_rfm"),
        ),
    )
    # Read with the semicolon, and its dates month first (9/4/2012, 11/30/2012...).
    assert spark(
        "select signup_date_order, count(signup_date) > 2000"
        " from base_marketing_campaign__customers group by all",
        "base_marketing_campaign__customers",
    ) == [("month_first", True)]
