"""The UCI Online Retail file (541,909 invoice lines) through the whole warehouse, checked
against figures computed here from the raw file with pandas, independently of the SQL.

The data is read from ../shared/data/online_retail beside the project (never copied in); the
module is skipped when it is absent."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA_DIR, Build, build_raw_format, shared_data_file

from customer_segmentation.docs_check import main as docs_check

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

DATA_DIR = SHARED_DATA_DIR / "online_retail"
AS_OF_DATE = pd.Timestamp("2011-12-10")  # the day after the last invoice, 2011-12-09 12:50
NON_PRODUCT_CODES = {
    "POST",
    "DOT",
    "M",
    "D",
    "C2",
    "CRUK",
    "PADS",
    "BANK CHARGES",
    "AMAZONFEE",
    "B",
    "S",
}


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    path = shared_data_file("online_retail", "online_retail.csv.gz")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def build(raw, tmp_path_factory) -> Build:
    return build_raw_format(DATA_DIR, "online_retail", tmp_path_factory.mktemp("online_retail"))


@pytest.fixture(scope="module")
def expected(raw) -> dict:
    """Every figure the tests compare, from the raw rows and the rules of the issue."""
    distinct = raw.drop_duplicates()
    code = distinct["StockCode"].str.strip().str.upper()
    quantity = distinct["Quantity"].astype(int)
    price = distinct["UnitPrice"].astype(float)
    cancellation = distinct["InvoiceNo"].str.startswith("C")
    reason = pd.Series(None, index=distinct.index, dtype=object)
    for name, holds in [  # the first rule that holds decides
        ("non_product_stock_code", code.isin(NON_PRODUCT_CODES) | code.str.startswith("GIFT_")),
        ("cancellation_with_positive_quantity", cancellation & (quantity > 0)),
        ("negative_quantity", ~cancellation & (quantity < 0)),
        ("zero_quantity", quantity == 0),
        ("zero_unit_price", price == 0),
        ("negative_unit_price", price < 0),
    ]:
        reason[reason.isna() & holds] = name
    clean = distinct[reason.isna()].assign(
        customer_id=lambda f: f["CustomerID"].str.replace(r"\.0+$", "", regex=True),
        amount=lambda f: f["Quantity"].astype(int) * f["UnitPrice"].astype(float),
        invoice_date=lambda f: pd.to_datetime(f["InvoiceDate"]).dt.normalize(),
        is_cancellation=lambda f: f["InvoiceNo"].str.startswith("C"),
    )
    known = clean[clean["customer_id"] != ""]
    sales = known[~known["is_cancellation"]]
    scored = sorted(set(sales["customer_id"]))
    rfm = pd.DataFrame(
        {
            "recency_days": (
                AS_OF_DATE - sales.groupby("customer_id")["invoice_date"].max()
            ).dt.days,
            "order_count": sales.groupby("customer_id")["InvoiceNo"].nunique(),
            "monetary_amount": known[known["customer_id"].isin(scored)]
            .groupby("customer_id")["amount"]
            .sum()
            .round(2),
        }
    )
    n = len(rfm)

    def scores(values: pd.Series, ascending: bool) -> pd.Series:
        # The documented rule: 1 + floor(5 (rank - 1) / (n - 1)) up to 5, ties sharing the
        # lowest rank; 3 for everyone when everyone ties.
        rank = values.rank(method="min", ascending=ascending)
        if rank.max() == 1:
            return pd.Series(3, index=values.index)
        return np.minimum(5, 1 + np.floor(5 * (rank - 1) / (n - 1))).astype(int)

    rfm["recency_score"] = scores(rfm["recency_days"], ascending=False)
    rfm["frequency_score"] = scores(rfm["order_count"], ascending=True)
    rfm["monetary_score"] = scores(rfm["monetary_amount"], ascending=True)
    all_ids = set(
        raw.loc[raw["CustomerID"] != "", "CustomerID"].str.replace(r"\.0+$", "", regex=True)
    )
    return {
        "duplicates": len(raw) - len(distinct),
        "reasons": reason.value_counts().to_dict(),
        "clean_rows": len(clean),
        "net_revenue": round(clean["amount"].sum(), 2),
        "scored": scored,
        "rfm": rfm,
        "unscored": len(all_ids) - len(scored),
    }


def test_every_line_is_reconciled(build, raw, expected):
    [(source_file, raw_rows, clean, rejected, duplicates, set_aside, reconciled)] = build.query(
        "select source_file, raw_row_count, clean_row_count, rejected_row_count,"
        " duplicate_row_count, set_aside_row_count, is_reconciled from raw_file_reconciliation"
    )
    assert source_file == "online_retail.csv.gz"
    assert raw_rows == len(raw) == 541_909
    assert duplicates == expected["duplicates"] == 5_268
    assert set_aside == expected["reasons"]["non_product_stock_code"]
    assert clean == expected["clean_rows"]
    assert raw_rows == clean + rejected + duplicates + set_aside
    assert reconciled


def test_quarantine_counts_per_reason(build, expected):
    rows = build.query(
        "select reason_code, sum(affected_row_count) from quarantine group by all order by all"
    )
    assert dict(rows) == {**expected["reasons"], "exact_duplicate": expected["duplicates"]}
    assert dict(rows) == {
        "exact_duplicate": 5_268,
        "negative_quantity": 1_336,
        "non_product_stock_code": 2_944,
        "zero_unit_price": 1_156,
    }


def test_scored_customers_are_exactly_those_with_a_sale(build, expected):
    scored = [customer_id for (customer_id,) in build.query("select customer_id from customer_rfm")]
    assert sorted(scored) == expected["scored"]
    assert len(scored) == 4_334
    # The marts hold exactly the scored customers; the other ids are listed and counted.
    assert build.query("select count(*) from customers") == [(4_334,)]
    assert build.query("select count(*) from customer_segments") == [(4_334,)]
    assert build.query("select count(*) from unscored_customers") == [(expected["unscored"],)]


def test_net_revenue_guests_included_and_scored_customers_monetary_value(build, expected):
    [(net_revenue,)] = build.query(
        "select sum(quantity * unit_price_amount) from main_staging.stg_online_retail__order_lines"
    )
    assert round(float(net_revenue), 2) == expected["net_revenue"] == 9_771_318.16
    [(monetary,)] = build.query("select sum(monetary_amount) from customer_rfm")
    assert float(monetary) == pytest.approx(expected["rfm"]["monetary_amount"].sum(), abs=0.005)


def test_rfm_values_and_scores_match_the_raw_file_for_every_customer(build, expected):
    warehouse = pd.DataFrame(
        build.query(
            "select customer_id, recency_days, order_count, cast(monetary_amount as double),"
            " recency_score, frequency_score, monetary_score from customer_rfm"
        ),
        columns=["customer_id", *expected["rfm"].columns],
    ).set_index("customer_id")
    pd.testing.assert_frame_equal(
        warehouse.sort_index(), expected["rfm"].sort_index(), check_dtype=False, check_names=False
    )


def test_customer_12346_worked_by_hand(build):
    # Its two raw lines: invoice 541431 on 2011-01-18, 74,215 x MEDIUM CERAMIC TOP STORAGE JAR
    # at 1.04, and C541433 ten minutes later cancelling all 74,215. One purchase, net 0, last
    # bought 326 days before 2011-12-10; the cancellation is not an order.
    assert build.query(
        "select cast(last_purchase_date as varchar), recency_days, order_count, monetary_amount"
        " from customer_rfm where customer_id = '12346'"
    ) == [("2011-01-18", 326, 1, Decimal("0.00"))]


def test_customer_17850_from_its_raw_rows(build, raw):
    # 17850.0 in the file is customer 17850: 312 lines, 3 of them exact duplicates; sales on
    # 34 invoices, the last on 2010-12-02; one cancellation invoice (C543611, 2011-02-10, 15
    # lines), which lowers the value but is neither an order nor recent; no postage.
    rows = raw[raw["CustomerID"] == "17850.0"].drop_duplicates()
    assert len(rows) == 309
    assert set(rows["StockCode"].str.upper()).isdisjoint(NON_PRODUCT_CODES)
    invoices = rows["InvoiceNo"]
    net = (rows["Quantity"].astype(int) * rows["UnitPrice"].astype(float)).sum()
    assert invoices[~invoices.str.startswith("C")].nunique() == 34
    assert build.query(
        "select cast(last_purchase_date as varchar), recency_days, order_count, monetary_amount"
        " from customer_rfm where customer_id = '17850'"
    ) == [("2010-12-02", 373, 34, Decimal(str(round(net, 2))))]
    assert build.query("select country from customers where customer_id = '17850'") == [
        ("United Kingdom",)
    ]


def test_non_product_lines_count_nowhere_in_sales(build, expected):
    [(lines, codes)] = build.query(
        "select sum(raw_row_count), count(distinct non_product_code) from non_product_lines"
    )
    assert codes == 12  # the eleven codes and the gift_ prefix all occur
    assert lines >= expected["reasons"]["non_product_stock_code"]
    assert build.query(
        "select count(*) from main_staging.stg_online_retail__order_lines l"
        " inner join non_product_lines n on l.order_line_id = n.order_line_id"
    ) == [(0,)]


def test_several_countries_are_resolved_and_counted(build):
    assert build.query(
        "select count(*) filter (where country_count > 1), count(*) filter (where is_country_tied)"
        " from main_staging.stg_online_retail__customers"
    ) == [(8, 1)]


def test_score_distribution(build, expected):
    for score in ("recency_score", "frequency_score", "monetary_score"):
        rows = dict(build.query(f"select {score}, count(*) from customer_rfm group by 1"))
        assert rows == expected["rfm"][score].value_counts().to_dict(), score
        print(f"\n{score}: {dict(sorted(rows.items()))}", end="")


def test_segments_and_profiles(build):
    [(chosen_k,)] = build.query("select k from cluster_k_selection where is_chosen")
    profiles = build.query("select segment_id, segment_name, customer_count from segment_profiles")
    assert len(profiles) == chosen_k >= 2
    assert sum(count for _, _, count in profiles) == 4_334
    # The report tables: every segment has a playbook row, so a recommendation.
    assert build.query(
        "select count(*) from segment_recommendations where recommended_action is not null"
        " and kpi_to_watch is not null"
    ) == [(chosen_k,)]
    # What the file cannot feed (engagement, demographics, categories) was dropped, not failed.
    assert build.query(
        "select count(*) from segmentation_features where feature_name = 'age_years'"
        " and feature_drop_reason = 'null for every customer'"
    ) == [(1,)]


def test_every_built_column_is_documented(build, capsys):
    assert docs_check(["--target-dir", str(build.target_dir)]) == 0, capsys.readouterr().err
