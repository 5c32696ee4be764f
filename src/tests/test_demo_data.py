"""Tests for the demo data generator (`customer_segmentation.demo_data`).

Every count the generator reports is re-derived here from the written files with the
predicate a staging model would use, so the warehouse tests can trust those counts when
they reconcile quarantined rows.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from customer_segmentation import demo_data
from customer_segmentation.demo import campaigns, generator
from customer_segmentation.demo import contract as c

N = 2000
SEED = 7
START, END = date(2023, 1, 1), date(2024, 12, 31)
STRICT_TS = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$")
ZONED_TS = re.compile(r"(?:Z|[+-]\d{2}:\d{2})$")
OUT_OF_RANGE = {
    (c.SUPPORT_TICKETS, "csat_score"): (1, 5),
    (c.SURVEY_RESPONSES, "nps_score"): (0, 10),
    (c.PRODUCT_REVIEWS, "rating"): (1, 5),
}
TIMESTAMP_COLUMNS = {
    c.WEB_SESSIONS: ("started_at",),
    c.MARKETING_EVENTS: ("occurred_at",),
    c.SUPPORT_TICKETS: ("opened_at", "resolved_at"),
    c.SURVEY_RESPONSES: ("responded_at",),
    c.PRODUCT_REVIEWS: ("reviewed_at",),
}
CUSTOMER_FILES = (
    c.WEB_SESSIONS,
    c.MARKETING_EVENTS,
    c.SUPPORT_TICKETS,
    c.SURVEY_RESPONSES,
    c.PRODUCT_REVIEWS,
)


def read(path: Path) -> pd.DataFrame:
    """A CSV exactly as written: every value a string, empty stays empty."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def parse_ts(value: str) -> datetime | None:
    """Strict ISO parsing, as the staging layer does; None when unparseable."""
    if not STRICT_TS.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def utc_date(value: str) -> date | None:
    """Calendar date (UTC; naive values are UTC) of a timestamp, None when unparseable."""
    ts = parse_ts(value)
    if ts is None:
        return None
    return (ts.astimezone(UTC) if ts.tzinfo else ts).date()


def run(tmp: Path, name: str, **kwargs: Any) -> tuple[Path, dict[str, Any]]:
    out = tmp / name / "raw"
    kwargs.setdefault("progress", False)
    result = demo_data.generate(out, kwargs.pop("customers", N), kwargs.pop("seed", SEED), **kwargs)
    return out, result


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("demo"), "dirty")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("demo"), "clean", dirty=False)


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("demo"), "multi", customers=1500, currencies=True)


@pytest.fixture(scope="module")
def features(dirty: tuple[Path, dict[str, Any]]) -> pd.DataFrame:
    """Per-customer behaviour (clean rows only) joined to the true type."""
    out, result = dirty
    truth = read(Path(result["truth_out"]))
    lines = read(out / c.ORDER_LINES).drop_duplicates()
    lines = lines[lines["customer_id"] != ""].copy()
    lines["ts"] = lines["ordered_at"].map(utc_date)
    lines = lines[lines["ts"].notna()]
    lines["qty"] = lines["quantity"].astype(int)
    buys = lines[lines["qty"] > 0]
    per = pd.DataFrame(
        {
            "orders": buys.groupby("customer_id")["order_id"].nunique(),
            "first_buy": buys.groupby("customer_id")["ts"].min(),
            "last_buy": buys.groupby("customer_id")["ts"].max(),
            "promo_share": buys.assign(p=buys["promotion_id"] != "")
            .groupby("customer_id")["p"]
            .mean(),
            "returned_lines": lines[lines["qty"] < 0].groupby("customer_id").size(),
            "bought_lines": buys.groupby("customer_id").size(),
        }
    )
    surveys = read(out / c.SURVEY_RESPONSES)
    surveys = surveys[surveys["nps_score"].isin([str(i) for i in range(11)])]
    per["nps"] = (
        surveys.assign(s=surveys["nps_score"].astype(int)).groupby("customer_id")["s"].mean()
    )
    per["sessions"] = read(out / c.WEB_SESSIONS).groupby("customer_id").size()
    per["tickets"] = read(out / c.SUPPORT_TICKETS).groupby("customer_id").size()
    customers = read(out / c.CUSTOMERS).drop_duplicates().set_index("customer_id")
    per = truth.set_index("customer_id").join(per).join(customers["signup_date"])
    per[["orders", "returned_lines", "sessions", "tickets"]] = per[
        ["orders", "returned_lines", "sessions", "tickets"]
    ].fillna(0)
    return per


# ---------------------------------------------------------------- files and contract


def test_every_file_exists_with_exact_contract_header(dirty, multi) -> None:
    for out, expected in (
        (dirty[0], set(c.ALL_FILES) - {c.EXCHANGE_RATES}),
        (multi[0], set(c.ALL_FILES)),
    ):
        assert {p.name for p in out.iterdir()} == expected  # no .partial or stray files
        for name in expected:
            raw = (out / name).read_bytes()
            assert b"\r" not in raw and raw.endswith(b"\n")
            raw.decode("utf-8")
            with open(out / name, newline="", encoding="utf-8") as fh:
                assert tuple(next(csv.reader(fh))) == c.HEADERS[name]


def test_rows_are_well_formed_csv(dirty) -> None:
    out, _ = dirty
    for name in c.HEADERS:
        if not (out / name).exists():
            continue
        with open(out / name, newline="", encoding="utf-8") as fh:
            widths = Counter(len(row) for row in csv.reader(fh))
        assert widths == Counter({len(c.HEADERS[name]): sum(widths.values())}), name


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path, dirty) -> None:
    first, _ = dirty
    again, _ = run(tmp_path, "again")
    other, _ = run(tmp_path, "other", seed=SEED + 1)
    for name in set(c.ALL_FILES) - {c.EXCHANGE_RATES}:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
    assert (first / c.ORDER_LINES).read_bytes() != (other / c.ORDER_LINES).read_bytes()
    assert (first / c.CUSTOMERS).read_bytes() != (other / c.CUSTOMERS).read_bytes()
    truth = Path(str(first) + "_true_types.csv")
    assert truth.read_bytes() == Path(str(again) + "_true_types.csv").read_bytes()


def test_campaigns_only_append_and_keep_their_answers_outside(tmp_path, dirty) -> None:
    """--campaigns leaves every row of the plain demo where it was, adds sends and orders at
    the ends of two files, and writes the plan and the answer key beside the folder."""
    plain, _ = dirty
    out, result = run(tmp_path, "campaigns", campaigns=True)
    for name in set(c.ALL_FILES) - {c.EXCHANGE_RATES}:
        before, after = (plain / name).read_bytes(), (out / name).read_bytes()
        assert after.startswith(before), name
        assert (after != before) == (name in (c.MARKETING_EVENTS, c.ORDER_LINES)), name
    assert {p.name for p in out.iterdir()} == set(c.ALL_FILES) - {c.EXCHANGE_RATES}
    assert result["rows"] == {name: len(read(out / name)) for name in result["rows"]}
    plans = read(campaigns.plan_path(out))
    truth = read(campaigns.truth_path(out))
    assert list(plans.campaign_id) == [campaign.campaign_id for campaign in campaigns.CAMPAIGNS]
    assert len(truth) == N * len(campaigns.CAMPAIGNS)
    # The split is the warehouse's hash, and each campaign's control share is about its plan's.
    for plan in plans.itertuples():
        rows = truth[truth.campaign_id == plan.campaign_id]
        share = (rows.campaign_group == "control").mean()
        assert abs(share - float(plan.control_share)) < 0.03, (plan.campaign_id, share)
    assert all(
        (campaigns.assignment_draw(r.campaign_id, r.customer_id) < 0.3)
        == (r.campaign_group == "control")
        for r in truth[truth.campaign_id == "DEMO-REACTIVATION"].itertuples()
    )
    # Planted orders go to treated customers of the types with an effect, and nobody else.
    planted = truth[truth.planted_order_id != ""]
    assert set(planted.campaign_group) == {"treatment"}
    assert set(planted.true_type) == {"at_risk", "bargain_hunter"}
    assert set(planted.campaign_id) == {"DEMO-REACTIVATION"}


def test_reported_row_counts_match_files(dirty, multi) -> None:
    for out, result in (dirty, multi):
        for name, rows in result["rows"].items():
            assert len(read(out / name)) == rows, name
        assert len(read(Path(result["truth_out"]))) == result["truth_rows"] == result["customers"]
        assert set(result["dirt"]) == set(c.DIRT_KEYS)
        assert set(result["info"]) == set(c.INFO_KEYS)


def test_interrupted_run_does_not_look_complete(tmp_path, monkeypatch) -> None:
    out, _ = run(tmp_path, "x", customers=300)  # an earlier, complete run in the same folder

    def explode(*args: Any, **kwargs: Any):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(generator, "chunk_files", explode)
    with pytest.raises(KeyboardInterrupt):
        demo_data.generate(out, 300, SEED, progress=False)
    assert list(out.iterdir()) == []
    assert not Path(str(out) + "_true_types.csv").exists()


# ---------------------------------------------------------------- dirt is counted exactly


def test_order_line_dirt_counts_match_files(dirty) -> None:
    out, result = dirty
    dirt, info = result["dirt"], result["info"]
    lines = read(out / c.ORDER_LINES)
    known_customers = set(read(out / c.CUSTOMERS)["customer_id"])
    known_products = set(read(out / c.PRODUCTS)["product_id"])
    variants = {v for spellings in c.CHANNEL_VARIANTS for v in spellings}
    parsed = lines["ordered_at"].map(parse_ts)

    assert dirt["duplicate_order_lines"] == lines.duplicated().sum() > 0
    unique = lines.drop_duplicates()
    assert dirt["duplicate_key_order_lines"] == unique.duplicated(["order_id", "line_number"]).sum()
    assert dirt["duplicate_key_order_lines"] > 0
    guest = lines["customer_id"] == ""
    assert dirt["guest_order_lines"] == guest.sum() > 0
    guest_orders = lines.loc[guest, "order_id"]
    assert info["guest_orders"] == guest_orders.nunique()
    assert not lines.loc[lines["order_id"].isin(guest_orders), "customer_id"].ne("").any()
    unknown = ~guest & ~lines["customer_id"].isin(known_customers)
    assert dirt["unknown_customer_order_lines"] == unknown.sum() > 0
    assert dirt["negative_unit_price_order_lines"] == lines["unit_price"].str.startswith("-").sum()
    assert dirt["zero_quantity_order_lines"] == (lines["quantity"] == "0").sum()
    assert dirt["empty_product_id_order_lines"] == (lines["product_id"] == "").sum()
    unknown_product = (lines["product_id"] != "") & ~lines["product_id"].isin(known_products)
    assert dirt["unknown_product_id_order_lines"] == unknown_product.sum()
    assert dirt["unparseable_ordered_at_order_lines"] == parsed.isna().sum() > 0
    ok = parsed.notna()
    zoned = ok & lines["ordered_at"].str.contains(ZONED_TS)
    assert dirt["offset_ordered_at_order_lines"] == zoned.sum() > 0
    t_only = ok & ~zoned & lines["ordered_at"].str.contains("T")
    assert dirt["t_separator_ordered_at_order_lines"] == t_only.sum() > 0
    assert dirt["channel_variant_order_lines"] == lines["channel"].isin(variants).sum() > 0
    invalid = lines["channel"].isin(c.INVALID_CHANNELS)
    assert dirt["invalid_channel_order_lines"] == invalid.sum()
    assert (lines["channel"].isin(c.CHANNELS) | lines["channel"].isin(variants) | invalid).all()
    assert dirt["missing_exchange_rate_order_lines"] == 0  # single currency: nothing to convert
    assert set(lines["currency"]) == {"USD", ""}
    assert info["empty_currency_order_lines"] == (lines["currency"] == "").sum() > 0


def test_each_line_has_at_most_one_rejecting_problem(multi) -> None:
    """So quarantine counts per reason downstream equal the injected counts exactly."""
    out, _ = multi
    lines = read(out / c.ORDER_LINES)
    rates = read(out / c.EXCHANGE_RATES)
    first_chf = date.fromisoformat(rates.loc[rates["currency"] == "CHF", "rate_date"].min())
    known_products = set(read(out / c.PRODUCTS)["product_id"])
    line_dates = lines["ordered_at"].map(utc_date)
    problems = pd.DataFrame(
        {
            "unknown_customer": (lines["customer_id"] != "")
            & ~lines["customer_id"].isin(set(read(out / c.CUSTOMERS)["customer_id"])),
            "unparseable": line_dates.isna(),
            "invalid_channel": lines["channel"].isin(c.INVALID_CHANNELS),
            "missing_rate": (lines["currency"] == "CHF")
            & line_dates.map(lambda d: d is not None and d < first_chf),
            "negative_price": lines["unit_price"].str.startswith("-"),
            "zero_quantity": lines["quantity"] == "0",
            "empty_product": lines["product_id"] == "",
            "unknown_product": (lines["product_id"] != "")
            & ~lines["product_id"].isin(known_products),
        }
    )
    assert problems.any().sum() >= 6  # (nearly) every kind occurs ...
    assert problems.sum(axis=1).max() == 1  # ... but never two on one line


def test_customer_dirt_counts_match_files(dirty) -> None:
    out, result = dirty
    dirt, info = result["dirt"], result["info"]
    customers = read(out / c.CUSTOMERS)
    assert dirt["duplicate_customer_rows"] == customers.duplicated().sum() > 0
    assert customers.drop_duplicates()["customer_id"].is_unique
    years = customers["birth_year"]
    impossible = years.isin([str(y) for y in c.IMPOSSIBLE_BIRTH_YEARS])
    assert dirt["impossible_birth_year_customers"] == impossible.sum() > 0
    plausible = years[(years != "") & ~impossible].astype(int)
    assert plausible.between(c.MIN_BIRTH_YEAR, c.MAX_BIRTH_YEAR).all()
    negative = customers["annual_income"].str.startswith("-")
    assert dirt["negative_annual_income_customers"] == negative.sum()
    assert dirt["gender_variant_customers"] == (~customers["gender"].isin(c.GENDERS)).sum() > 0
    assert info["missing_signup_date_customers"] == (customers["signup_date"] == "").sum()
    assert info["missing_birth_year_customers"] == (years == "").sum()


def test_optional_file_dirt_counts_match_files(dirty) -> None:
    out, result = dirty
    dirt = result["dirt"]
    known = set(read(out / c.CUSTOMERS)["customer_id"])
    for name in CUSTOMER_FILES:
        frame = read(out / name)
        stem = name.removesuffix(".csv")
        empty = frame["customer_id"] == ""
        assert dirt[f"empty_customer_{stem}"] == empty.sum(), name
        assert (
            dirt[f"unknown_customer_{stem}"] == (~empty & ~frame["customer_id"].isin(known)).sum()
        )
        assert frame.iloc[:, 0].is_unique, name  # ids are keys
    sessions = read(out / c.WEB_SESSIONS)
    negative = sessions["duration_seconds"].str.startswith("-")
    assert dirt["negative_duration_web_sessions"] == negative.sum() > 0
    events = read(out / c.MARKETING_EVENTS)
    assert (
        dirt["invalid_event_type_marketing_events"]
        == (~events["event_type"].isin(c.EVENT_TYPES)).sum()
    )
    assert (
        dirt["invalid_channel_marketing_events"]
        == (~events["channel"].isin(c.MARKETING_CHANNELS)).sum()
    )
    for (name, column), (lo, hi) in OUT_OF_RANGE.items():
        values = read(out / name)[column]
        bad = (values != "") & ~values.isin([str(v) for v in range(lo, hi + 1)])
        stem = name.removesuffix(".csv")
        key = next(k for k in c.DIRT_KEYS if k.startswith("out_of_range") and k.endswith(stem))
        assert dirt[key] == bad.sum() > 0, name


# ---------------------------------------------------------------- clean mode


def test_clean_mode_has_no_dirt(clean) -> None:
    out, result = clean
    assert not any(result["dirt"].values()), {k: v for k, v in result["dirt"].items() if v}
    customers = read(out / c.CUSTOMERS)
    known = set(customers["customer_id"])
    assert customers["customer_id"].is_unique and not customers.duplicated().any()
    assert customers["gender"].isin(c.GENDERS).all()
    years = customers.loc[customers["birth_year"] != "", "birth_year"].astype(int)
    assert years.between(c.MIN_BIRTH_YEAR, c.MAX_BIRTH_YEAR).all()
    assert not customers["annual_income"].str.startswith("-").any()

    lines = read(out / c.ORDER_LINES)
    assert not lines.duplicated(["order_id", "line_number"]).any()
    assert lines["customer_id"].isin(known).all()  # no guests, no unknown customers
    assert lines["product_id"].isin(set(read(out / c.PRODUCTS)["product_id"])).all()
    assert lines["channel"].isin(c.CHANNELS).all()
    assert lines["ordered_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()
    assert lines["ordered_at"].map(parse_ts).notna().all()
    assert (lines["quantity"].astype(int) != 0).all()
    assert (lines["unit_price"].astype(float) >= 0).all()

    for name in CUSTOMER_FILES:
        assert read(out / name)["customer_id"].isin(known).all(), name
    for (name, column), (lo, hi) in OUT_OF_RANGE.items():
        values = read(out / name)[column]
        assert values[values != ""].astype(int).between(lo, hi).all(), name
    assert (read(out / c.WEB_SESSIONS)["duration_seconds"].astype(int) >= 0).all()
    events = read(out / c.MARKETING_EVENTS)
    assert events["event_type"].isin(c.EVENT_TYPES).all()
    assert events["channel"].isin(c.MARKETING_CHANNELS).all()


def test_clean_and_dirty_share_the_same_customers(clean, dirty) -> None:
    assert Path(clean[1]["truth_out"]).read_bytes() == Path(dirty[1]["truth_out"]).read_bytes()


def test_all_timestamps_inside_window(dirty) -> None:
    out, _ = dirty
    dates = read(out / c.ORDER_LINES)["ordered_at"].map(utc_date).dropna()
    assert dates.min() >= START and dates.max() <= END
    for name, columns in TIMESTAMP_COLUMNS.items():
        frame = read(out / name)
        for column in columns:
            values = frame.loc[frame[column] != "", column]
            parsed = values.map(parse_ts)
            assert parsed.notna().all(), (name, column)
            assert min(parsed).date() >= START and max(parsed).date() <= END, (name, column)
    assert (read(out / c.SUPPORT_TICKETS)["resolved_at"] == "").any()  # some still open


# ---------------------------------------------------------------- truth and behaviour


def test_truth_file_outside_out_dir_with_all_types(dirty) -> None:
    out, result = dirty
    truth_path = Path(result["truth_out"])
    assert truth_path == out.parent / "raw_true_types.csv"
    assert not truth_path.resolve().is_relative_to(out.resolve())
    truth = read(truth_path)
    assert tuple(truth.columns) == c.TRUTH_HEADER
    assert truth["customer_id"].is_unique
    assert set(truth["customer_id"]) == set(read(out / c.CUSTOMERS)["customer_id"])
    shares = truth["true_type"].value_counts(normalize=True)
    expected = {
        "champion": 0.10,
        "loyal_regular": 0.20,
        "bargain_hunter": 0.20,
        "new_customer": 0.15,
        "at_risk": 0.15,
        "dormant": 0.20,
    }
    assert set(shares.index) == set(expected) == set(demo_data.TYPE_NAMES)
    for name, share in expected.items():
        assert abs(shares[name] - share) < 0.035, (name, shares[name])


def test_truth_path_inside_out_dir_is_refused(tmp_path) -> None:
    out = tmp_path / "raw"
    with pytest.raises(ValueError, match="inside the data folder"):
        demo_data.generate(out, 10, 1, truth_out=out / "sub" / "t.csv", progress=False)
    assert not out.exists() or not any(out.iterdir())


def test_types_differ_in_behaviour(features) -> None:
    by_type = features.groupby("true_type")
    median_orders = by_type["orders"].median()
    assert median_orders["champion"] >= 10 > 3 > median_orders["dormant"]
    assert median_orders["champion"] > median_orders["loyal_regular"] > median_orders["dormant"]
    promo = by_type["promo_share"].mean()
    assert promo["bargain_hunter"] > 0.6 > 0.2 > promo["champion"]
    returns = by_type["returned_lines"].sum() / by_type["bought_lines"].sum()
    assert returns["bargain_hunter"] > 2 * returns["champion"]
    assert 0.03 < features["returned_lines"].sum() / features["bought_lines"].sum() < 0.08
    days_since = (pd.Timestamp(END) - pd.to_datetime(features["last_buy"])).dt.days
    recency = days_since.groupby(features["true_type"]).median()
    assert recency["champion"] < 31 and recency["new_customer"] < 91
    assert days_since[features["true_type"] == "at_risk"].min() > 175  # silent 6-12 months
    assert days_since[features["true_type"] == "dormant"].min() > 365
    signup = pd.to_datetime(features["signup_date"].replace("", None))
    assert signup.min() >= pd.Timestamp(START) and signup.max() <= pd.Timestamp(END)
    new_signup = signup[features["true_type"] == "new_customer"].dropna()
    assert new_signup.min() >= pd.Timestamp(END) - pd.Timedelta(days=95)
    nps = by_type["nps"].mean()
    assert nps["champion"] > 8.5 and nps["at_risk"] < 5
    sessions = by_type["sessions"].mean()
    assert sessions["champion"] > 2 * sessions["loyal_regular"] > 4 * sessions["dormant"]
    tickets = by_type["tickets"].mean()
    assert tickets["at_risk"] > 2 * tickets.drop("at_risk").max()


def test_signup_precedes_first_order(features) -> None:
    known = features[(features["signup_date"] != "") & features["first_buy"].notna()]
    assert len(known) > 0.9 * len(features)
    signup = known["signup_date"].map(date.fromisoformat)
    assert (signup < known["first_buy"]).all()


def test_email_engagement_differs(dirty) -> None:
    out, result = dirty
    truth = read(Path(result["truth_out"])).set_index("customer_id")["true_type"]
    events = read(out / c.MARKETING_EVENTS)
    email = events[events["channel"] == "email"].join(truth, on="customer_id")
    counts = email.groupby(["true_type", "event_type"]).size().unstack(fill_value=0)
    open_rate = counts["opened"] / counts["sent"]
    click_rate = counts["clicked"] / counts["sent"]
    assert open_rate["champion"] > 0.5 > 0.1 > open_rate["dormant"]
    assert click_rate["bargain_hunter"] > click_rate["loyal_regular"]
    unsubscribed = email[email["event_type"] == "unsubscribed"].groupby("true_type")
    share = unsubscribed["customer_id"].nunique() / truth.value_counts()
    assert share["dormant"] > 0.3 > 0.05 > share["champion"]


def test_returns_are_negative_lines_in_r_orders(dirty) -> None:
    out, result = dirty
    lines = read(out / c.ORDER_LINES)
    is_return = lines["order_id"].str.startswith("R")
    quantity = lines["quantity"].astype(int)
    assert (quantity[is_return] < 0).all() and (quantity[~is_return] >= 0).all()
    assert result["info"]["return_order_lines"] == is_return.sum() > 0  # copies included
    assert result["info"]["return_orders"] == lines.loc[is_return, "order_id"].nunique()
    promos = lines.loc[lines["promotion_id"] != "", "promotion_id"]
    assert promos.str.fullmatch(r"PROMO-\d{4}-\d{2}").all()
    numbers = lines.groupby("order_id")["line_number"].apply(lambda s: sorted(set(s.astype(int))))
    assert all(n == list(range(1, len(n) + 1)) for n in numbers)


# ---------------------------------------------------------------- chunks and currencies


def test_chunk_boundaries_do_not_change_behaviour(tmp_path, dirty) -> None:
    out_small, result = run(tmp_path, "chunked", chunk_size=300)
    truth = read(Path(result["truth_out"]))
    ids = truth["customer_id"]
    assert ids.is_unique and list(ids) == [f"C{i:07d}" for i in range(1, N + 1)]
    customers = read(out_small / c.CUSTOMERS).drop_duplicates()
    assert customers["customer_id"].is_unique and len(customers) == N
    lines = read(out_small / c.ORDER_LINES).drop_duplicates()
    assert lines.groupby("order_id")["customer_id"].nunique().max() == 1  # no id collisions
    for frame in (read(out_small / name) for name in CUSTOMER_FILES):
        assert frame.iloc[:, 0].is_unique  # ids keep counting across chunks

    def profile(out: Path, truth_path: str) -> pd.DataFrame:
        types = read(Path(truth_path)).set_index("customer_id")["true_type"]
        buys = read(out / c.ORDER_LINES)
        buys = buys[buys["order_id"].str.startswith("O") & (buys["customer_id"] != "")]
        orders = buys.groupby("customer_id")["order_id"].nunique().reindex(types.index).fillna(0)
        return pd.DataFrame(
            {"share": types.value_counts(normalize=True), "orders": orders.groupby(types).mean()}
        )

    whole = profile(dirty[0], dirty[1]["truth_out"])
    chunked = profile(out_small, result["truth_out"])
    assert (whole["share"] - chunked["share"]).abs().max() < 0.035
    assert ((whole["orders"] - chunked["orders"]).abs() / whole["orders"]).max() < 0.2


def test_currencies_mode_writes_rates_and_missing_chf_rates(multi, dirty) -> None:
    out, result = multi
    assert not (dirty[0] / c.EXCHANGE_RATES).exists()
    rates = read(out / c.EXCHANGE_RATES)
    assert (rates["rate_to_reporting"].astype(float) > 0).all()
    days = (END - START).days + 1
    first_rate: dict[str, date] = {}
    for currency, nominal in (("EUR", 1.10), ("GBP", 1.27), ("CHF", 1.12)):
        subset = rates[rates["currency"] == currency]
        assert subset["rate_date"].is_unique
        assert abs(subset["rate_to_reporting"].astype(float).mean() - nominal) < 0.05
        first_rate[currency] = date.fromisoformat(subset["rate_date"].min())
        if currency != "CHF":
            assert len(subset) == days
    assert first_rate["CHF"] > START
    lines = read(out / c.ORDER_LINES)
    assert set(lines["currency"]) == {"USD", "EUR", "GBP", "CHF", ""}
    assert (lines["currency"] == "CHF").mean() < 0.1
    line_dates = lines["ordered_at"].map(utc_date)
    missing = (lines["currency"] == "CHF") & line_dates.notna()
    missing &= line_dates.map(lambda d: d is not None and d < first_rate["CHF"])
    assert result["dirt"]["missing_exchange_rate_order_lines"] == missing.sum() > 0
    assert result["info"]["chf_order_lines"] == (lines["currency"] == "CHF").sum()


def test_clean_currencies_have_a_rate_for_every_line(tmp_path) -> None:
    out, result = run(tmp_path, "cc", customers=600, dirty=False, currencies=True)
    rates = read(out / c.EXCHANGE_RATES)
    assert rates.groupby("currency")["rate_date"].min().eq(START.isoformat()).all()
    assert result["dirt"]["missing_exchange_rate_order_lines"] == 0


# ---------------------------------------------------------------- command line


def test_cli_runs_as_module(tmp_path) -> None:
    out = tmp_path / "cli" / "raw"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "customer_segmentation.demo_data",
            "--customers",
            "300",
            "--seed",
            "3",
            "--out",
            str(out),
            "--no-progress",
            "--clean",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "300 customers" in proc.stderr
    assert (tmp_path / "cli" / "raw_true_types.csv").exists()
    expected = demo_data.generate(tmp_path / "api" / "raw", 300, 3, dirty=False, progress=False)
    for name in expected["rows"]:
        assert (out / name).read_bytes() == (tmp_path / "api" / "raw" / name).read_bytes()


def test_cli_refuses_truth_inside_out_dir(tmp_path) -> None:
    out = tmp_path / "raw"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "customer_segmentation.demo_data",
            "--customers",
            "50",
            "--out",
            str(out),
            "--truth-out",
            str(out / "truth.csv"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "inside the data folder" in proc.stderr
    assert not (out / "truth.csv").exists() and not (out / c.CUSTOMERS).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"customers": 0}, "--customers"),
        ({"chunk_size": 0}, "--chunk-size"),
        ({"end_date": "2023-06-30"}, "at least"),
    ],
)
def test_invalid_arguments_are_refused(tmp_path, kwargs, message) -> None:
    args = {"customers": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        demo_data.generate(tmp_path / "raw", args.pop("customers"), 1, progress=False, **args)
