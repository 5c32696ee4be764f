"""The Customer Personality Analysis file (2,240 customers, tab-separated aggregates) through the
whole warehouse, checked against figures computed here from the raw file with pandas,
independently of the SQL.

The data is read from ../shared/data/marketing_campaign beside the project (never copied in);
the module is skipped when it is absent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from conftest import (
    SHARED_DATA_DIR,
    Build,
    build_raw_format,
    marketing_campaign_resaved,
    shared_data_file,
)

from customer_segmentation.docs_check import main as docs_check

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

DATA_DIR = SHARED_DATA_DIR / "marketing_campaign"
SPEND = ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts"]
SPEND += ["MntGoldProds"]
CHANNELS = ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"]
CAMPAIGNS = ["AcceptedCmp1", "AcceptedCmp2", "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5"]
CAMPAIGNS += ["Response"]


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    path = shared_data_file("marketing_campaign", "marketing_campaign.csv")
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def build(raw, tmp_path_factory) -> Build:
    work_dir = tmp_path_factory.mktemp("marketing_campaign")
    return build_raw_format(DATA_DIR, "marketing_campaign", work_dir)


@pytest.fixture(scope="module")
def kept(raw) -> pd.DataFrame:
    """One row per customer: of rows equal but for the ID, the lowest ID; figures as numbers."""
    numbers = raw.assign(id_number=raw["ID"].astype(int)).sort_values("id_number")
    other_columns = [c for c in raw.columns if c != "ID"]
    frame = numbers.drop_duplicates(subset=other_columns, keep="first").copy()
    for column in [*SPEND, *CHANNELS, *CAMPAIGNS, "Recency", "NumDealsPurchases", "Year_Birth"]:
        frame[column] = frame[column].astype(int)
    frame["spend"] = frame[SPEND].sum(axis=1)
    frame["purchases"] = frame[CHANNELS].sum(axis=1)
    frame["enrolled"] = pd.to_datetime(frame["Dt_Customer"], format="%d-%m-%Y")
    return frame.set_index("ID")


def test_every_row_is_reconciled(build, raw, kept):
    [(raw_rows, clean, rejected, duplicates, set_aside, reconciled)] = build.query(
        "select raw_row_count, clean_row_count, rejected_row_count, duplicate_row_count,"
        " set_aside_row_count, is_reconciled from raw_file_reconciliation"
    )
    assert raw_rows == len(raw) == 2_240
    assert clean == len(kept) == 2_058
    assert (rejected, duplicates, set_aside) == (0, 182, 0)
    assert raw_rows == clean + rejected + duplicates + set_aside
    assert reconciled


def test_quarantine_counts_per_reason(build, kept):
    rows = build.query(
        "select reason_code, column_name, sum(affected_row_count) from quarantine"
        " group by all order by all"
    )
    income = pd.to_numeric(kept["Income"], errors="coerce")
    expected = {
        ("duplicate_except_id", "ID"): 182,
        ("out_of_range_value", "Income"): int((income > 200_000).sum()),
        ("out_of_range_value", "birth_year"): int((kept["Year_Birth"] < 1900).sum()),
        ("out_of_range_value", "NumDealsPurchases"): int(
            (kept["NumDealsPurchases"] > kept["purchases"]).sum()
        ),
        ("unmapped_code", "Marital_Status"): int(
            kept["Marital_Status"].isin(["Absurd", "YOLO"]).sum()
        ),
    }
    assert {(reason, column): n for reason, column, n in rows} == expected
    assert list(expected.values()) == [182, 1, 2, 3, 4]


def test_cleaned_values(build, kept):
    # Empty incomes are null, not zero; the 666,666 placeholder is null too.
    assert build.query("select count(*) - count(annual_income_amount) from customers") == [(25,)]
    assert int((kept["Income"] == "").sum()) == 24
    assert build.query("select max(annual_income_amount) from customers") == [(Decimal("162397"),)]
    statuses = dict(
        build.query("select coalesce(marital_status, '?'), count(*) from customers group by 1")
    )
    raw_single = int(kept["Marital_Status"].isin(["Single", "Alone"]).sum())
    assert statuses["single"] == raw_single  # Alone is single
    assert statuses["?"] == 4


def test_as_of_date_is_the_day_after_the_measurement_day(build, kept):
    measured = (kept["enrolled"] + pd.to_timedelta(kept["Recency"], unit="D")).max()
    assert measured == pd.Timestamp("2014-10-04")
    assert build.query(
        "select as_of_date, as_of_date_source from main_intermediate.int_as_of_date"
    ) == [(datetime.date(2014, 10, 5), "data")]


def test_scored_customers_and_monetary_value(build, kept):
    buyers = kept[kept["purchases"] > 0]
    assert len(buyers) == 2_052  # six customers have spend but no purchase in any channel
    assert build.query("select count(*), sum(monetary_amount) from customer_rfm") == [
        (len(buyers), Decimal(int(buyers["spend"].sum())))
    ]
    assert build.query("select count(*) from customer_segments") == [(len(buyers),)]


def test_customer_5524_worked_by_hand(build, kept):
    # Its row: Recency 58, spend 635 + 88 + 546 + 172 + 88 + 88 = 1,617, purchases
    # 8 web + 10 catalogue + 4 store = 22 (3 with a discount), single, no children.
    row = kept.loc["5524"]
    assert (row["Recency"], row["spend"], row["purchases"]) == (58, 1617, 22)
    assert build.query(
        "select cast(last_purchase_date as varchar), recency_days, order_count, monetary_amount"
        " from customer_rfm where customer_id = '5524'"
    ) == [("2014-08-07", 59, 22, Decimal("1617.00"))]
    [(web, catalog, store, deals, household, category, share)] = build.query(
        "select p.web_purchase_share, p.catalog_purchase_share, p.store_purchase_share,"
        " v.promotion_order_share, c.household_size, p.top_category, p.top_category_spend_share"
        " from customer_preferences p inner join customer_value v using (customer_id)"
        " inner join customers c using (customer_id) where customer_id = '5524'"
    )
    assert (web, catalog, store, deals) == pytest.approx((8 / 22, 10 / 22, 4 / 22, 3 / 22))
    assert (household, category) == (1, "wines")
    assert share == pytest.approx(635 / 1617)


def test_campaign_response_rate_per_segment(build, kept):
    segments = pd.DataFrame(
        build.query("select customer_id, segment_id from customer_segments"),
        columns=["ID", "segment_id"],
    ).set_index("ID")
    members = kept.join(segments, how="inner")
    expected = (members[CAMPAIGNS].sum(axis=1).groupby(members["segment_id"]).sum()) / (
        6 * members.groupby("segment_id").size()
    )
    rows = build.query(
        "select r.segment_id, r.response_rate, p.avg_campaign_response_rate, r.segment_name"
        " from segment_campaign_responses r inner join segment_profiles p using (segment_id)"
        " where r.campaign_sequence = 0 order by 1"
    )
    assert [segment for segment, *_ in rows] == sorted(expected.index)
    for segment, rate, profile_rate, name in rows:
        assert rate == pytest.approx(expected[segment])
        assert profile_rate == pytest.approx(expected[segment])
        print(f"\nsegment {segment} {name}: campaign response rate {rate:.3f}", end="")
    last = build.query(
        "select sum(acceptance_count), sum(offer_count) from segment_campaign_responses"
        " where campaign_sequence = 6"
    )
    assert last == [(int(members["Response"].sum()), len(members))]


def test_segments_use_the_formats_features(build):
    used = {name for (name,) in build.query("select feature_name from segmentation_features")}
    assert used == {
        "monetary_amount",
        "order_count",
        "recency_days",
        "web_purchase_share",
        "catalog_purchase_share",
        "store_purchase_share",
        "campaign_response_rate",
        "annual_income_amount",
        "age_years",
        "household_size",
    }
    assert build.query("select bool_and(is_feature_used) from segmentation_features") == [(True,)]
    assert build.query("select count(*) > 0 from segment_profiles") == [(True,)]
    # The report tables: every segment has a playbook row, so a recommendation, and the
    # validation reads the file's campaign response where there are no marketing events.
    [(segments,)] = build.query("select count(*) from segment_profiles")
    assert build.query(
        "select count(*) from segment_recommendations where recommended_action is not null"
    ) == [(segments,)]
    assert build.query(
        "select count(*) from segment_validation v inner join segment_profiles p using (segment_id)"
        " where abs(v.campaign_conversion_rate - p.avg_campaign_response_rate) < 1e-9"
    ) == [(segments,)]


def test_clv_is_recorded_as_not_estimable(build):
    # No purchase dates, so no BG/NBD inputs: recorded, not failed; predictions stay null.
    assert build.query("select distinct fit_status from clv_model_parameters") == [
        ("insufficient_data",)
    ]
    assert build.query("select count(expected_purchases) from customer_predicted_value") == [(0,)]


def test_every_built_column_is_documented(build, capsys):
    assert docs_check(["--target-dir", str(build.target_dir)]) == 0, capsys.readouterr().err


def test_a_copy_resaved_elsewhere_builds_the_same_warehouse(build, tmp_path):
    # PROVENANCE.md names copies of this file re-saved by a spreadsheet (BOM, CRLF, commas,
    # dates as m/d/yyyy) and a semicolon-separated one with ISO dates. One copy with semicolons,
    # a BOM, CRLF and m/d/yyyy dates covers the delimiter, the line ends and the slash dates.
    raw_dir = marketing_campaign_resaved(tmp_path / "raw")
    copy = build_raw_format(raw_dir, "marketing_campaign", tmp_path / "work")
    assert copy.query(
        "select distinct signup_date_order from main_staging.base_marketing_campaign__customers"
    ) == [("month_first",)]
    for sql in (
        "select * exclude (quarantine_id, raw_record) from quarantine order by all",
        "select * from raw_file_reconciliation order by all",
        "select * from customers order by all",
        "select * from customer_rfm order by all",
        "select * from customer_segments order by all",
    ):
        assert copy.query(sql) == build.query(sql), sql
