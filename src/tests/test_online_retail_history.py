"""Segments over time on real data: the monthly backfill of the Online Retail file for
2011-09-01 to 2011-11-01, checked against the raw invoices with pandas.

Reads ../shared/data/online_retail (never copied in); skipped when it is absent."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import (
    DBT,
    KPI_METRICS,
    PROJECT_DIR,
    SHARED_DATA_DIR,
    Build,
    metrics_against_kpis,
    run_dbt,
    shared_data_file,
)

from customer_segmentation.history.backfill import as_of_dates, backfill

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

NON_PRODUCT_CODES = {"POST", "DOT", "M", "D", "C2", "CRUK", "PADS", "BANK CHARGES", "AMAZONFEE"}
NON_PRODUCT_CODES |= {"B", "S"}


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    """Lines that are sales by the format's rules: a customer, not a cancellation, a product,
    positive quantity and price; exact duplicates once."""
    path = shared_data_file("online_retail", "online_retail.csv.gz")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates()
    code = raw["StockCode"].str.strip().str.upper()
    keep = (
        (raw["CustomerID"].str.strip() != "")
        & ~raw["InvoiceNo"].str.startswith("C")
        & ~code.isin(NON_PRODUCT_CODES)
        & ~code.str.startswith("GIFT_")
        & (raw["Quantity"].astype(int) > 0)
        & (raw["UnitPrice"].astype(float) > 0)
    )
    sales = raw[keep].copy()
    sales["invoiced_at"] = pd.to_datetime(sales["InvoiceDate"])
    return sales


@pytest.fixture(scope="module")
def history(sales, tmp_path_factory) -> Build:
    work_dir = tmp_path_factory.mktemp("online_retail_history")
    dates = as_of_dates(dt.date(2011, 9, 1), dt.date(2011, 11, 1), "month")
    results = backfill(
        dates,
        raw_dir=str(SHARED_DATA_DIR / "online_retail"),
        raw_format="online_retail",
        db_path=work_dir / "warehouse.duckdb",
        dbt=DBT,
        project_dir=PROJECT_DIR,
        progress=False,
    )
    assert [as_of for as_of, _, _ in results] == dates
    return Build(SHARED_DATA_DIR, work_dir / "warehouse.duckdb", work_dir, None)


def test_each_month_is_a_run_matched_to_the_month_before(history):
    runs = history.query(
        "select cast(as_of_date as varchar), cast(previous_as_of_date as varchar),"
        " scored_customer_count from segmentation_runs order by 1"
    )
    assert [(date, previous) for date, previous, _ in runs] == [
        ("2011-09-01", None),
        ("2011-10-01", "2011-09-01"),
        ("2011-11-01", "2011-10-01"),
    ]
    sizes = history.query(
        "select cast(as_of_date as varchar), count(*) from customer_segment_history group by 1"
        " order by 1"
    )
    assert [count for _, count in sizes] == [count for _, _, count in runs]


def test_scored_customers_per_date_match_the_raw_invoices(history, sales):
    for as_of_date, count in history.query(
        "select as_of_date, scored_customer_count from segmentation_runs"
    ):
        before = sales[sales["invoiced_at"] < pd.Timestamp(as_of_date)]
        assert count == before["CustomerID"].nunique(), as_of_date


def test_transitions_cover_every_customer_of_both_snapshots(history):
    rows = history.query(
        "select segmentation, cast(period_end_date as varchar), sum(customer_count),"
        " sum(customer_count) filter (where from_segment_name <> '(not scored)'),"
        " sum(customer_count) filter (where to_segment_name <> '(not scored)')"
        " from segment_transitions group by 1, 2 order by 1, 2"
    )
    scored = dict(
        history.query(
            "select cast(as_of_date as varchar), scored_customer_count from segmentation_runs"
        )
    )
    assert [(kind, end) for kind, end, *_ in rows] == [
        ("kmeans", "2011-10-01"),
        ("kmeans", "2011-11-01"),
        ("rfm", "2011-10-01"),
        ("rfm", "2011-11-01"),
    ]
    previous = {"2011-10-01": "2011-09-01", "2011-11-01": "2011-10-01"}
    for _, end, _, from_scored, to_scored in rows:
        assert from_scored == scored[previous[end]]
        assert to_scored == scored[end]


def test_monthly_orders_and_new_customers_match_the_raw_invoices(history, sales):
    october = sales[sales["invoiced_at"].dt.to_period("M") == pd.Period("2011-10")]
    first_month = sales.groupby("CustomerID")["invoiced_at"].min().dt.to_period("M")
    [(orders, new_customers)] = history.query(
        "select order_count, new_customer_count from kpis_monthly"
        " where segment_name = 'All customers' and activity_month = date '2011-10-01'"
    )
    assert orders == october["InvoiceNo"].nunique()
    assert new_customers == int((first_month == pd.Period("2011-10")).sum())
    segment_months = history.query(
        "select count(distinct activity_month) from kpis_monthly where segment_id is not null"
    )
    # Built as of 2011-11-01, the last month is October; September and October start on or after
    # a snapshot, so they have segment rows, the months before only the All customers row.
    assert segment_months == [(2,)]


def test_metrics_by_segment_at_month_start_match_kpis_monthly(history, tmp_path):
    """MetricFlow, grouping by the segment at each month's start, gives kpis_monthly's numbers
    value for value: every segment row and every All customers row of every month."""
    parsed = run_dbt(
        ["parse"],
        raw_dir=SHARED_DATA_DIR / "online_retail",
        db_path=history.db_path,
        target_dir=tmp_path / "target",
        extra_vars={"raw_format": "online_retail"},
    )
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    compared = metrics_against_kpis(history, tmp_path / "target" / "semantic_manifest.json")
    segment_rows = compared[compared["segment"] != "All customers"]
    assert segment_rows["activity_month"].nunique() == 2 and len(segment_rows) >= 4
    assert compared["activity_month"].nunique() >= 10
    for metric in KPI_METRICS:
        expected, actual = compared[f"{metric}_kpi"], compared[metric]
        assert np.allclose(expected.astype(float), actual.astype(float), equal_nan=True), (
            metric,
            compared.loc[~np.isclose(expected.astype(float), actual.astype(float), equal_nan=True)],
        )
