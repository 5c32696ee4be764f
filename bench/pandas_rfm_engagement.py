"""customer_rfm and customer_engagement the way a notebook computes them: plain pandas.

    python bench/pandas_rfm_engagement.py --raw-dir DIR --out FILE.duckdb [--as-of-date YYYY-MM-DD]

read_csv of the canonical raw files, the staging rules that change these figures (typed
parsing, rejected rows, one row per key, currency conversion, the as_of_date cut-off), then
groupby and merge. The results are stored as the tables pandas_customer_rfm and
pandas_customer_engagement in the DuckDB file FILE (DuckDB only stores them; pandas computes).
Money is kept in integer units of 1/10,000 so that rounding is exact, as in the warehouse's
decimals; monetary_amount is written as a float of whole cents.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
REPORTING_CURRENCY = "USD"
MARKETING_CHANNELS = ["email", "sms", "push", "social"]
EVENT_TYPES = [
    "sent",
    "opened",
    "clicked",
    "converted",
    "unsubscribed",
    "liked",
    "shared",
    "commented",
]
REACTIONS = ["opened", "clicked", "converted", "liked", "shared", "commented"]
INTEGER = r"[+-]?[0-9]{1,18}"
DECIMAL = r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)"
UNITS = 10_000  # money in 1/10,000: decimal(18, 4)
RATE_UNITS = 10**10  # exchange rates in 1/10^10: decimal(18, 10)


def read_raw(raw_dir: Path, file_name: str) -> pd.DataFrame:
    """Every column as text; only an empty field is missing (as DuckDB reads it)."""
    return pd.read_csv(raw_dir / file_name, dtype=str, keep_default_na=False, na_values=[""])


def clean_text(values: pd.Series) -> pd.Series:
    values = values.str.strip(" ")
    return values.mask(values == "")


def clean_code(values: pd.Series) -> pd.Series:
    return clean_text(values).str.lower()


def parse_integer(values: pd.Series) -> pd.Series:
    values = clean_text(values)
    return values.where(values.str.fullmatch(INTEGER).fillna(False)).astype("Int64")


def parse_timestamp(values: pd.Series) -> pd.Series:
    """ISO 8601 with optional T and offset; without one it is UTC. Naive UTC out."""
    parsed = pd.to_datetime(clean_text(values), format="ISO8601", utc=True, errors="coerce")
    return parsed.dt.tz_convert(None)


def decimal_units(values: pd.Series) -> pd.Series:
    """A decimal as an integer count of 1/10,000 (decimal(18, 4)); missing if it does not parse.

    Through float: exact for up to four decimals, which is what prices carry."""
    values = clean_text(values)
    numbers = pd.to_numeric(values.where(values.str.fullmatch(DECIMAL).fillna(False)))
    return (numbers * UNITS).round().astype("Int64")


def round_units(units: pd.Series, factor: int) -> pd.Series:
    """Integer division by factor rounding half away from zero, as a decimal cast does."""
    return np.sign(units) * ((units.abs() + factor // 2) // factor)


def blank_count(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    return sum(clean_text(frame[column]).isna().astype(int) for column in columns)


def one_row_per_key(frame: pd.DataFrame, key: list[str], raw_columns: list[str]) -> pd.DataFrame:
    """Of the rows (already valid) sharing a key, the most complete, then the first by raw text.

    Exact duplicate rows tie, so this also removes them. Only repeated keys are sorted."""
    repeated = frame.duplicated(key, keep=False)
    if not repeated.any():
        return frame
    candidates = frame[repeated].assign(_blanks=blank_count(frame[repeated], raw_columns))
    chosen = candidates.sort_values(
        [*key, "_blanks", *raw_columns], na_position="last", kind="stable"
    ).drop_duplicates(key)
    return pd.concat([frame[~repeated], chosen.drop(columns="_blanks")])


def load_customers(raw_dir: Path) -> pd.Index:
    customer_id = clean_text(read_raw(raw_dir, "customers.csv")["customer_id"])
    return pd.Index(customer_id.dropna().unique(), name="customer_id")


def load_exchange_rates(raw_dir: Path) -> pd.DataFrame:
    path = raw_dir / "exchange_rates.csv"
    if not path.exists():
        return pd.DataFrame({"currency_code": [], "rate_date": [], "rate_units": []})
    raw = read_raw(raw_dir, "exchange_rates.csv")
    rates = raw.assign(
        currency_code=clean_text(raw["currency"]).str.upper(),
        rate_date=pd.to_datetime(
            clean_text(raw["rate_date"]).where(
                clean_text(raw["rate_date"])
                .str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
                .fillna(False)
            ),
            format="%Y-%m-%d",
            errors="coerce",
        ),
        # Few rows: Decimal rounds the rates to ten decimals exactly as the warehouse does.
        rate_units=[
            int(Decimal(text).quantize(Decimal("0.0000000001"), ROUND_HALF_UP) * RATE_UNITS)
            if isinstance(text, str) and re.fullmatch(DECIMAL, text)
            else None
            for text in clean_text(raw["rate_to_reporting"])
        ],
    )
    rates["rate_units"] = rates["rate_units"].astype("Int64")
    valid = (
        rates["currency_code"].str.fullmatch("[A-Z]{3}").fillna(False)
        & rates["rate_date"].notna()
        & (rates["rate_units"] > 0).fillna(False)
    )
    rates = one_row_per_key(
        rates[valid], ["currency_code", "rate_date"], ["currency", "rate_date", "rate_to_reporting"]
    )
    return rates[["currency_code", "rate_date", "rate_units"]]


def load_order_lines(raw_dir: Path, customers: pd.Index) -> pd.DataFrame:
    raw_columns = [
        "order_id", "line_number", "customer_id", "ordered_at", "product_id", "quantity",
        "unit_price", "currency", "channel", "promotion_id",
    ]  # fmt: skip
    raw = read_raw(raw_dir, "order_lines.csv")[raw_columns]
    aliases = pd.read_csv(SEEDS_DIR / "channel_aliases.csv", dtype=str)
    channel_map = dict(zip(aliases["channel_alias"], aliases["channel"], strict=True))
    lines = raw.assign(
        order_key=clean_text(raw["order_id"]),
        customer_key=clean_text(raw["customer_id"]),
        currency_code=clean_text(raw["currency"]).str.upper().fillna(REPORTING_CURRENCY),
        channel_code=clean_code(raw["channel"]).map(channel_map),
        line_number_value=parse_integer(raw["line_number"]),
        quantity_value=parse_integer(raw["quantity"]),
        price_units=decimal_units(raw["unit_price"]),
        ordered_at_value=parse_timestamp(raw["ordered_at"]),
    )
    # Lines of one order naming different customers (or a customer and a guest), rejected or
    # not, make the whole order unattributable.
    customers_per_order = lines["customer_key"].fillna("").groupby(lines["order_key"]).nunique()
    conflicting = customers_per_order.index[customers_per_order > 1]
    valid = (
        lines["order_key"].notna()
        & ~lines["order_key"].isin(conflicting)
        & lines["line_number_value"].notna()
        & lines["ordered_at_value"].notna()
        & clean_text(lines["product_id"]).notna()
        & (lines["quantity_value"] != 0).fillna(False)
        & (lines["price_units"] >= 0).fillna(False)
        & lines["currency_code"].str.fullmatch("[A-Z]{3}").fillna(False)
        & lines["channel_code"].notna()
        & (lines["customer_key"].isna() | lines["customer_key"].isin(customers))
    )
    lines = lines[valid]

    # The rate of the order date or the latest before it; a line without one is rejected.
    rates = load_exchange_rates(raw_dir).sort_values("rate_date")
    domestic = lines[lines["currency_code"] == REPORTING_CURRENCY].assign(rate_units=RATE_UNITS)
    foreign = lines[lines["currency_code"] != REPORTING_CURRENCY]
    if rates.empty:
        converted = foreign.iloc[0:0].assign(rate_units=RATE_UNITS)
    else:
        converted = (
            pd.merge_asof(
                foreign.assign(
                    order_date=foreign["ordered_at_value"].dt.normalize().astype("datetime64[ns]")
                ).sort_values("order_date"),
                rates.astype({"rate_date": "datetime64[ns]"}),
                left_on="order_date",
                right_on="rate_date",
                by="currency_code",
            )
            .dropna(subset=["rate_units"])
            .drop(columns=["order_date", "rate_date"])
        )
    lines = pd.concat([domestic, converted], ignore_index=True)
    lines = one_row_per_key(lines, ["order_key", "line_number_value"], raw_columns)

    # The unit price in the reporting currency is held in 1/10^8, as the warehouse holds it:
    # price x rate is exact in 1/10^14, so converted lines (few; Python ints, no overflow) are
    # rounded half up, and a rate of 1 is a shift. The line amount is rounded to 1/10^4.
    price = lines["price_units"].astype("int64").to_numpy()
    rate = lines["rate_units"].astype("int64").to_numpy()
    unit_units = price * (10**8 // UNITS)
    converted_rows = np.flatnonzero(rate != RATE_UNITS)
    if converted_rows.size:
        unit_units[converted_rows] = [
            (int(p) * int(r) + 10**6 // 2) // 10**6
            for p, r in zip(price[converted_rows], rate[converted_rows], strict=True)
        ]
    exact = lines["quantity_value"].astype("int64") * unit_units
    return pd.DataFrame(
        {
            "order_id": lines["order_key"],
            "customer_id": lines["customer_key"],
            "ordered_at": lines["ordered_at_value"],
            "quantity": lines["quantity_value"].astype("int64"),
            "line_units": round_units(exact, UNITS),
        }
    )


def customer_rfm(order_lines: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    lines = order_lines[(order_lines["ordered_at"] < as_of) & order_lines["customer_id"].notna()]
    orders = (
        lines.assign(
            order_date=lines["ordered_at"].dt.normalize(), is_purchase=lines["quantity"] > 0
        )
        .groupby(["customer_id", "order_id"])
        .agg(
            order_date=("order_date", "min"),
            is_purchase=("is_purchase", "any"),
            net_units=("line_units", "sum"),
        )
        .reset_index()
    )
    purchases = (
        orders[orders["is_purchase"]]
        .groupby("customer_id")
        .agg(last_purchase_date=("order_date", "max"), order_count=("order_id", "size"))
    )
    # Every line counts, returns too, even in an order that is not a purchase.
    monetary_units = orders.groupby("customer_id")["net_units"].sum()
    rfm = purchases.join(monetary_units).reset_index()
    rfm["as_of_date"] = as_of
    rfm["recency_days"] = (as_of - rfm["last_purchase_date"]).dt.days
    rfm["monetary_amount"] = round_units(rfm["net_units"], UNITS // 100) / 100

    # Rank-based quintiles: tied values share a score, rank 1 (the worst) scores 1, rank n
    # scores 5; when everyone ties, everyone scores 3.
    count = len(rfm)
    for score, column, ascending in [
        ("recency_score", "recency_days", False),
        ("frequency_score", "order_count", True),
        ("monetary_score", "net_units", True),
    ]:
        rank = rfm[column].rank(method="min", ascending=ascending)
        if rank.max() == 1:
            rfm[score] = 3
        else:
            rfm[score] = np.minimum(5, 1 + np.floor(5.0 * (rank - 1) / (count - 1))).astype("int64")

    names = pd.read_csv(SEEDS_DIR / "rfm_segment_names.csv", dtype={"rfm_code": str})
    rfm = rfm.merge(
        names[
            ["recency_score", "frequency_score", "monetary_score", "rfm_code", "rfm_segment_name"]
        ],
        on=["recency_score", "frequency_score", "monetary_score"],
        how="left",
    )
    return rfm[
        [
            "customer_id", "as_of_date", "last_purchase_date", "recency_days", "order_count",
            "monetary_amount", "recency_score", "frequency_score", "monetary_score", "rfm_code",
            "rfm_segment_name",
        ]
    ]  # fmt: skip


def kept_event_rows(
    raw_dir: Path,
    file_name: str,
    raw_columns: list[str],
    customers: pd.Index,
    parsed: Callable[[pd.DataFrame], dict[str, pd.Series]],
    valid: Callable[[pd.DataFrame], pd.Series],
) -> pd.DataFrame:
    """The rows of an event file that pass its rules, one per id (the first raw column).

    Every event file needs an id and a customer from customers.csv; `parsed` gives the typed
    columns and `valid` the file's own rules. customer_id comes out cleaned."""
    raw = read_raw(raw_dir, file_name)[raw_columns]
    raw = raw.assign(key=clean_text(raw[raw_columns[0]]), **parsed(raw))
    known = raw["key"].notna() & clean_text(raw["customer_id"]).isin(customers)
    kept = one_row_per_key(raw[known & valid(raw).fillna(False)], ["key"], raw_columns)
    return kept.assign(customer_id=clean_text(kept["customer_id"]))


def web_sessions(raw_dir: Path, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    sessions = kept_event_rows(
        raw_dir,
        "web_sessions.csv",
        ["session_id", "customer_id", "started_at", "duration_seconds", "page_views", "device"],
        customers,
        parsed=lambda raw: {
            "started": parse_timestamp(raw["started_at"]),
            "duration": parse_integer(raw["duration_seconds"]),
            "pages": parse_integer(raw["page_views"]),
        },
        valid=lambda raw: raw["started"].notna(),
    )
    sessions = sessions[sessions["started"] < as_of].assign(
        # A negative duration or page count is set null.
        duration=lambda df: df["duration"].where(df["duration"] >= 0).astype("float64"),
        pages=lambda df: df["pages"].where(df["pages"] >= 0).astype("float64"),
        in_90d=lambda df: df["started"] >= as_of - pd.Timedelta(days=90),
        in_30d=lambda df: df["started"] >= as_of - pd.Timedelta(days=30),
    )
    return sessions.groupby("customer_id").agg(
        web_session_count=("key", "size"),
        web_session_count_90d=("in_90d", "sum"),
        web_session_count_30d=("in_30d", "sum"),
        avg_session_duration_seconds=("duration", "mean"),
        avg_page_views_per_session=("pages", "mean"),
    )


def marketing_events(raw_dir: Path, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    events = kept_event_rows(
        raw_dir,
        "marketing_events.csv",
        ["event_id", "customer_id", "campaign_id", "channel", "event_type", "occurred_at"],
        customers,
        parsed=lambda raw: {
            "channel_code": clean_code(raw["channel"]),
            "event": clean_code(raw["event_type"]),
            "occurred": parse_timestamp(raw["occurred_at"]),
        },
        valid=lambda raw: (
            raw["channel_code"].isin(MARKETING_CHANNELS)
            & raw["event"].isin(EVENT_TYPES)
            & raw["occurred"].notna()
        ),
    )
    events = events[events["occurred"] < as_of]
    email = events["channel_code"] == "email"
    flags = pd.DataFrame(
        {
            "customer_id": events["customer_id"],
            "email_sent_count": email & (events["event"] == "sent"),
            "email_opened_count": email & (events["event"] == "opened"),
            "email_clicked_count": email & (events["event"] == "clicked"),
            "marketing_conversion_count": events["event"] == "converted",
            "is_unsubscribed": events["event"] == "unsubscribed",
            "social_interaction_count": (events["channel_code"] == "social")
            & events["event"].isin(["liked", "shared", "commented"]),
        }
    )
    by_customer = flags.groupby("customer_id").agg(
        {column: "any" if column == "is_unsubscribed" else "sum" for column in flags.columns[1:]}
    )
    # Reactions, not sends; a tie goes to the channel first by name.
    reactions = (
        events[events["event"].isin(REACTIONS)]
        .groupby(["customer_id", "channel_code"])
        .size()
        .rename("reaction_count")
        .reset_index()
        .sort_values(
            ["customer_id", "reaction_count", "channel_code"], ascending=[True, False, True]
        )
        .drop_duplicates("customer_id")
        .set_index("customer_id")["channel_code"]
        .rename("preferred_marketing_channel")
    )
    return by_customer.join(reactions)


def support_tickets(raw_dir: Path, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    tickets = kept_event_rows(
        raw_dir,
        "support_tickets.csv",
        ["ticket_id", "customer_id", "opened_at", "resolved_at", "category", "csat_score"],
        customers,
        parsed=lambda raw: {
            "opened": parse_timestamp(raw["opened_at"]),
            "resolved": parse_timestamp(raw["resolved_at"]),
            "csat": parse_integer(raw["csat_score"]),
        },
        valid=lambda raw: raw["opened"].notna(),
    )
    tickets = tickets[tickets["opened"] < as_of]
    # A resolution before the opening, or a score outside 1..5, is set null.
    resolved = tickets["resolved"].where(tickets["resolved"] >= tickets["opened"])
    csat = tickets["csat"].where(tickets["csat"].between(1, 5)).astype("float64")
    return (
        tickets.assign(
            # Open as of as_of_date: a resolution after it had not happened yet.
            is_open=resolved.isna() | (resolved >= as_of),
            resolved_csat=csat.where(resolved < as_of),
        )
        .groupby("customer_id")
        .agg(
            support_ticket_count=("is_open", "size"),
            open_support_ticket_count=("is_open", "sum"),
            avg_csat_score=("resolved_csat", "mean"),
        )
    )


def survey_responses(raw_dir: Path, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    surveys = kept_event_rows(
        raw_dir,
        "survey_responses.csv",
        ["response_id", "customer_id", "responded_at", "nps_score"],
        customers,
        parsed=lambda raw: {
            "responded": parse_timestamp(raw["responded_at"]),
            "nps": parse_integer(raw["nps_score"]),
        },
        valid=lambda raw: raw["responded"].notna() & raw["nps"].between(0, 10),
    )
    surveys = surveys[surveys["responded"] < as_of].astype({"nps": "int64"})
    # The latest response; on a tie in time the lower score.
    latest = (
        surveys.sort_values(["customer_id", "responded", "nps"], ascending=[True, False, True])
        .drop_duplicates("customer_id")
        .set_index("customer_id")["nps"]
        .rename("latest_nps_score")
    )
    return (
        surveys.groupby("customer_id")
        .agg(survey_response_count=("nps", "size"), avg_nps_score=("nps", "mean"))
        .join(latest)
    )


def product_reviews(raw_dir: Path, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    reviews = kept_event_rows(
        raw_dir,
        "product_reviews.csv",
        ["review_id", "customer_id", "product_id", "reviewed_at", "rating"],
        customers,
        parsed=lambda raw: {
            "reviewed": parse_timestamp(raw["reviewed_at"]),
            "rating_value": parse_integer(raw["rating"]),
        },
        valid=lambda raw: (
            clean_text(raw["product_id"]).notna()
            & raw["reviewed"].notna()
            & raw["rating_value"].between(1, 5)
        ),
    )
    reviews = reviews[reviews["reviewed"] < as_of].astype({"rating_value": "float64"})
    return reviews.groupby("customer_id").agg(
        review_count=("rating_value", "size"), avg_review_rating=("rating_value", "mean")
    )


def customer_engagement(raw_dir: Path, customers: pd.Index, as_of: pd.Timestamp) -> pd.DataFrame:
    engagement = (
        pd.DataFrame(index=customers)
        .join(web_sessions(raw_dir, customers, as_of))
        .join(marketing_events(raw_dir, customers, as_of))
        .join(support_tickets(raw_dir, customers, as_of))
        .join(survey_responses(raw_dir, customers, as_of))
        .join(product_reviews(raw_dir, customers, as_of))
        .reset_index()
    )
    counts = [
        "web_session_count", "web_session_count_90d", "web_session_count_30d", "email_sent_count",
        "email_opened_count", "email_clicked_count", "marketing_conversion_count",
        "social_interaction_count", "support_ticket_count", "open_support_ticket_count",
        "survey_response_count", "review_count",
    ]  # fmt: skip
    engagement[counts] = engagement[counts].fillna(0).astype("int64")
    engagement["is_unsubscribed"] = engagement["is_unsubscribed"].astype("boolean").fillna(False)
    sent = engagement["email_sent_count"].where(engagement["email_sent_count"] > 0)
    for rate, count in [
        ("email_open_rate", "email_opened_count"),
        ("email_click_rate", "email_clicked_count"),
    ]:
        engagement[rate] = (engagement[count] / sent).clip(upper=1.0)
    latest = engagement["latest_nps_score"]
    engagement["nps_category"] = np.select(
        [latest >= 9, latest >= 7, latest >= 0], ["promoter", "passive", "detractor"], default=None
    )
    engagement["latest_nps_score"] = latest.astype("Int64")
    # Customer-level campaign summaries only come with the marketing_campaign raw format.
    engagement["campaign_offer_count"] = pd.array([pd.NA] * len(engagement), dtype="Int64")
    engagement["campaign_response_rate"] = np.nan
    engagement["has_complained"] = pd.array([pd.NA] * len(engagement), dtype="boolean")
    engagement["as_of_date"] = as_of
    return engagement[
        [
            "customer_id", "as_of_date", "web_session_count", "web_session_count_90d",
            "web_session_count_30d", "avg_session_duration_seconds", "avg_page_views_per_session",
            "email_sent_count", "email_opened_count", "email_clicked_count", "email_open_rate",
            "email_click_rate", "marketing_conversion_count", "campaign_offer_count",
            "campaign_response_rate", "is_unsubscribed", "social_interaction_count",
            "preferred_marketing_channel", "support_ticket_count", "open_support_ticket_count",
            "avg_csat_score", "has_complained", "survey_response_count", "latest_nps_score",
            "avg_nps_score", "nps_category", "review_count", "avg_review_rating",
        ]
    ]  # fmt: skip


def compute(raw_dir: Path, as_of_date: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = load_customers(raw_dir)
    order_lines = load_order_lines(raw_dir, customers)
    # The given date, else the day after the last kept order line.
    if as_of_date:
        as_of = pd.Timestamp(as_of_date)
    else:
        as_of = order_lines["ordered_at"].max().normalize() + pd.Timedelta(days=1)
    return customer_rfm(order_lines, as_of), customer_engagement(raw_dir, customers, as_of)


def write(out: Path, rfm: pd.DataFrame, engagement: pd.DataFrame) -> None:
    """Store both frames in a DuckDB file (storage only; nothing is computed there)."""
    import duckdb

    out.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(out)) as connection:
        for name, frame in [
            ("pandas_customer_rfm", rfm),
            ("pandas_customer_engagement", engagement),
        ]:
            connection.register("frame", frame)
            connection.execute(f"create or replace table {name} as select * from frame")
            connection.unregister("frame")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", required=True, type=Path, help="canonical raw folder")
    parser.add_argument("--out", required=True, type=Path, help="DuckDB file to write")
    parser.add_argument("--as-of-date", help="YYYY-MM-DD; default the day after the last order")
    args = parser.parse_args(argv)
    if args.as_of_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.as_of_date):
        parser.error(f"--as-of-date must be YYYY-MM-DD; got {args.as_of_date!r}")
    started = time.perf_counter()
    rfm, engagement = compute(args.raw_dir, args.as_of_date)
    write(args.out, rfm, engagement)
    print(f"pandas_customer_rfm: {len(rfm)} rows")
    print(f"pandas_customer_engagement: {len(engagement)} rows")
    print(f"elapsed_seconds: {time.perf_counter() - started:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
