"""Every online_retail rule on a hand-written file (src/tests/fixtures/online_retail_edge_cases,
one line per rule), uncompressed `online_retail.csv` rather than the .gz, so the rules are
tested even where the shared data is absent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import Build, assert_succeeded, build_warehouse, dbt_show_rows, run_dbt
from online_retail_forms import (
    EDGE_CASES,
    EXPECTED_SLASH_DATES,
    as_uci_publishes_it,
    slash_dates_as_read,
    slash_dates_sql,
)

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Build:
    built = build_warehouse(
        EDGE_CASES,
        tmp_path_factory.mktemp("online_retail_edge"),
        extra_vars={"raw_format": "online_retail"},
    )
    assert_succeeded(built)
    return built


def test_each_line_gets_its_rule(build):
    rows = build.query(
        "select reason_code, sum(affected_row_count) from quarantine group by all order by all"
    )
    assert dict(rows) == {
        "cancellation_with_positive_quantity": 1,  # C536377, +2
        "exact_duplicate": 1,  # the first line, twice
        "negative_quantity": 1,  # 536369, a stock adjustment
        "negative_unit_price": 1,  # 536379
        "non_product_stock_code": 5,  # POST, gift_0001_20, B, m, DOT
        "zero_quantity": 1,  # 536376
        "zero_unit_price": 1,  # 536370
    }
    assert build.query(
        "select source_file, raw_row_count, clean_row_count, rejected_row_count,"
        " duplicate_row_count, set_aside_row_count from raw_file_reconciliation"
    ) == [("online_retail.csv", 19, 8, 5, 1, 5)]


def test_cancellations_lower_value_but_are_not_orders(build):
    # as_of_date: the day after the last clean line (2010-12-09 12:50); the set-aside bad-debt
    # line of 2011-08-12 does not move it. 17850: 536365 (15.30 + 20.34) and 536380 (8.50),
    # less C536367 (5.10); 12347: 536374 (15.00) and 536375 (5.00). Of two customers the
    # better scores 5 and the other 1; both ordered twice, so frequency says nothing: 3.
    assert build.query(
        "select customer_id, cast(as_of_date as varchar), recency_days, order_count,"
        " monetary_amount, rfm_code from customer_rfm order by customer_id"
    ) == [
        ("12347", "2010-12-10", 3, 2, Decimal("20.00"), "131"),
        ("17850", "2010-12-10", 1, 2, Decimal("39.04"), "535"),
    ]


def test_guests_stay_in_totals_but_not_in_customer_marts(build):
    assert build.query(
        "select count(*), sum(quantity * unit_price_amount) from"
        " main_staging.stg_online_retail__order_lines where customer_id is null"
    ) == [(1, Decimal("20.0000"))]
    assert build.query("select count(*) from customers") == [(2,)]


def test_ids_without_a_sale_are_listed_with_why(build):
    assert build.query(
        "select customer_id, unscored_reason from unscored_customers order by customer_id"
    ) == [
        ("12346", "only_cancellations"),
        ("12348", "only_non_product_lines"),
        ("12349", "only_rejected_lines"),
        ("13047", "only_rejected_lines"),
    ]


def test_country_tie_goes_to_the_latest_invoice(build):
    assert build.query(
        "select customer_id, country, country_count, is_country_tied"
        " from main_staging.stg_online_retail__customers order by customer_id"
    ) == [("12347", "Norway", 2, True), ("17850", "United Kingdom", 1, False)]


def test_non_product_codes_are_matched_in_upper_case_and_by_prefix(build):
    assert build.query(
        "select stock_code, non_product_code from non_product_lines order by stock_code"
    ) == [
        ("B", "B"),
        ("DOT", "DOT"),
        ("POST", "POST"),
        ("gift_0001_20", "GIFT_"),
        ("m", "M"),
    ]


def test_the_file_as_uci_publishes_it_gives_the_same_warehouse(build, tmp_path):
    # Its dates never put a number above 12 second (12/9/2010, 8/12/2011), so they are read
    # month first, as UCI writes them, and the warning says the order was assumed.
    slashed = build_warehouse(
        as_uci_publishes_it(EDGE_CASES / "online_retail.csv", tmp_path / "raw"),
        tmp_path / "work",
        extra_vars={"raw_format": "online_retail"},
    )
    assert_succeeded(slashed)
    assert "WARN 1 assert_invoice_dates_have_one_known_order" in slashed.result.stdout
    assert slashed.query(
        "select * from main_dbt_test__audit.assert_invoice_dates_have_one_known_order"
    ) == [("base_online_retail__order_lines", "month_first_assumed", 18)]
    for sql in (
        "select * exclude (quarantine_id, source_file, raw_record) from quarantine order by all",
        "select * exclude (source_file) from raw_file_reconciliation order by all",
        "select * from customer_rfm order by all",
        "select * exclude (invoice_date_order, raw_row_id, raw_record)"
        " from main_staging.base_online_retail__order_lines order by all",
    ):
        assert slashed.query(sql) == build.query(sql), sql
    assert slashed.query("select source_file from raw_file_reconciliation") == [
        ("online_retail_II.csv",)
    ]
    assert build.query(
        "select distinct invoice_date_order from main_staging.base_online_retail__order_lines"
    ) == [("none",)]


def test_slash_dates_are_read_in_the_order_the_file_shows(build):
    shown = run_dbt(
        ["show", "--inline", slash_dates_sql(), "--limit", "100", "--output", "json"]
        + ["--log-format", "json"],
        raw_dir=build.raw_dir,
        db_path=build.db_path,
        target_dir=build.db_path.parent / "show",
        extra_vars={"raw_format": "online_retail"},
    )
    assert shown.returncode == 0, shown.stdout[-3000:]
    assert slash_dates_as_read(dbt_show_rows(shown.stdout)) == EXPECTED_SLASH_DATES
