"""Contract-breaking rows for `--dirt`: the kinds the canonical staging models quarantine.

Dirt is added to the finished clean tables with its own random stream, so a dirty data set is
its clean twin plus these rows and edits: the planted groups and the key do not change.
Row-rejecting edits only touch lines of customers with at least three purchase orders, so
dirt never removes the last purchase of a customer the key expects to be scored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_segmentation.evaluation import planted_io as io

# Spellings the `channel_aliases` seed maps back (case and whitespace variants included):
# these rows must be kept, not quarantined.
CHANNEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "web": (" Web", "WEB ", "Online", "website"),
    "store": (" Store", "STORE", "In-Store", "shop "),
    "catalog": ("Catalog ", "Catalogue", " MAIL ORDER"),
    "app": ("App", " Mobile App", "ios"),
    "phone": ("Phone ", "Telephone", "CALL CENTRE"),
}
INVALID_CHANNELS = ("fax", "kiosk", "door to door")

# Which timestamp column of each file gets unparseable values, and which id column is the key.
_TIMESTAMP_COLUMN = {
    "order_lines.csv": "ordered_at",
    "web_sessions.csv": "started_at",
    "marketing_events.csv": "occurred_at",
    "support_tickets.csv": "opened_at",
    "survey_responses.csv": "responded_at",
    "product_reviews.csv": "reviewed_at",
}
_KEY_COLUMN = {
    "web_sessions.csv": "session_id",
    "marketing_events.csv": "event_id",
    "support_tickets.csv": "ticket_id",
    "survey_responses.csv": "response_id",
    "product_reviews.csv": "review_id",
}
# Required scores outside their range reject the row; optional ones are set null and logged.
_OUT_OF_RANGE = {
    "survey_responses.csv": ("nps_score", ("11", "-1", "15")),
    "product_reviews.csv": ("rating", ("0", "6")),
    "support_tickets.csv": ("csat_score", ("0", "7")),
    "web_sessions.csv": ("duration_seconds", ("-30", "-1")),
}


def _as_text(values: pd.Series) -> pd.Series:
    """A typed column as the text the CSV would hold, so dirt can be written into it."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return io.moment_text(values)
    if pd.api.types.is_numeric_dtype(values):
        text = values.astype(object).where(values.notna(), "")
        return text.map(str)
    return values


def _share(rng: np.random.Generator, rows: int, share: float) -> int:
    """About share of rows, but at least one: every dirt kind shows up in every dirty file."""
    return max(1, int(rng.binomial(rows, share))) if rows else 0


def _bad_timestamps(rng: np.random.Generator, good: pd.Series) -> np.ndarray:
    """Unparseable versions of real timestamps: impossible days, months, other formats."""
    text = good.to_numpy(dtype=object)
    impossible_day = np.array([s[:5] + "02-30" + s[10:] for s in text], dtype=object)
    month_13 = np.array([s[:5] + "13" + s[7:] for s in text], dtype=object)
    day_first = np.array([f"{s[8:10]}/{s[5:7]}/{s[:4]}{s[10:16]}" for s in text], dtype=object)
    words = np.full(len(text), "not recorded", dtype=object)
    pick = rng.integers(0, 4, len(text))
    return np.choose(pick, [impossible_day, month_13, day_first, words])


def _unknown_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    # A different prefix from real customers ('C'), so these can never match one.
    return np.array(["Z" + str(i) for i in rng.integers(1_000_000, 9_999_999, count)], dtype=object)


def _with_duplicates(rng: np.random.Generator, table: pd.DataFrame, counts: dict) -> pd.DataFrame:
    """Repeat about 1% of rows exactly, each copy right after its original."""
    picked = rng.choice(len(table), _share(rng, len(table), 0.01), replace=False)
    counts["exact_duplicate"] = len(picked)
    both = pd.concat([table, table.iloc[np.sort(picked)]])
    return both.iloc[np.argsort(both.index.to_numpy(), kind="stable")].reset_index(drop=True)


def _dirty_customers(rng, table: pd.DataFrame, as_of_year: int, counts: dict) -> pd.DataFrame:
    table = table.copy()
    rows = rng.permutation(len(table))
    years = rows[: _share(rng, len(table), 0.015)]
    table.loc[years, "birth_year"] = np.where(
        rng.random(len(years)) < 0.5,
        rng.integers(1800, 1900, len(years)),
        rng.integers(as_of_year + 1, as_of_year + 80, len(years)),
    ).astype(str)
    incomes = rows[len(years) : len(years) + _share(rng, len(table), 0.005)]
    table.loc[incomes, "annual_income"] = "-" + table.loc[incomes, "annual_income"].replace(
        "", "100.00"
    )
    counts["birth_year_out_of_range"] = len(years)
    counts["negative_income"] = len(incomes)
    return _with_duplicates(rng, table, counts)


def _copied_orders(rng, lines: pd.DataFrame, share: float, prefix: str) -> pd.DataFrame:
    """Whole purchase orders copied under new order ids (their lines stay consistent)."""
    orders = lines.loc[lines["order_id"].str.startswith("O"), "order_id"].unique()
    picked = rng.choice(orders, max(1, _share(rng, len(orders), share)), replace=False)
    copy = lines[lines["order_id"].isin(picked)].copy()
    picked = np.sort(picked)
    renumber = pd.Series(io.numbered(prefix, np.arange(1, len(picked) + 1)), index=picked)
    copy["order_id"] = copy["order_id"].map(renumber)
    return copy


def _dirty_order_lines(rng, lines: pd.DataFrame, counts: dict) -> pd.DataFrame:
    lines = lines.assign(ordered_at=_as_text(lines["ordered_at"]))
    purchases = lines["order_id"].str.startswith("O")
    orders_per_customer = lines.loc[purchases].groupby("customer_id")["order_id"].nunique()
    regulars = orders_per_customer.index[orders_per_customer >= 3]
    safe = np.flatnonzero(purchases & lines["customer_id"].isin(regulars))
    safe = safe[rng.permutation(len(safe))]
    sizes = [_share(rng, len(lines), s) for s in (0.01, 0.005, 0.003)]
    stamps_at, prices_at, channels_at = np.split(safe[: sum(sizes)], np.cumsum(sizes)[:-1])
    lines.loc[stamps_at, "ordered_at"] = _bad_timestamps(rng, lines.loc[stamps_at, "ordered_at"])
    lines.loc[prices_at, "unit_price"] = "-" + lines.loc[prices_at, "unit_price"]
    lines.loc[channels_at, "channel"] = rng.choice(INVALID_CHANNELS, len(channels_at))
    counts.update(
        invalid_timestamp=len(stamps_at),
        negative_unit_price=len(prices_at),
        invalid_channel=len(channels_at),
    )
    # Spelling variants of valid channels on whole orders, anywhere.
    variant_orders = lines["order_id"].drop_duplicates().sample(frac=0.03, random_state=rng)
    in_variant_order = lines["order_id"].isin(variant_orders)
    varied = np.flatnonzero(in_variant_order & lines["channel"].isin(list(CHANNEL_VARIANTS)))
    spelled = {name: np.array(options, dtype=object) for name, options in CHANNEL_VARIANTS.items()}
    pick = rng.integers(0, 3, len(varied))
    lines.loc[varied, "channel"] = [
        spelled[c][i] for c, i in zip(lines.loc[varied, "channel"], pick, strict=True)
    ]
    counts["channel_spelling_variant"] = len(varied)

    guests = _copied_orders(rng, lines.iloc[safe[sum(sizes) :]], 0.01, "G")
    guests["customer_id"] = ""
    strangers = _copied_orders(rng, lines.iloc[safe[sum(sizes) :]], 0.005, "X")
    stranger_orders = strangers["order_id"].unique()
    # One unknown customer per copied order, so no order mixes customers.
    stranger_ids = pd.Series(_unknown_ids(rng, len(stranger_orders)), index=stranger_orders)
    strangers["customer_id"] = strangers["order_id"].map(stranger_ids)
    counts["guest_line"] = len(guests)
    counts["unknown_customer"] = len(strangers)
    lines = pd.concat([lines, guests, strangers], ignore_index=True)
    return _with_duplicates(rng, lines, counts)


def _dirty_events(rng, name: str, table: pd.DataFrame, counts: dict) -> pd.DataFrame:
    column = _TIMESTAMP_COLUMN[name]
    table = table.assign(**{column: _as_text(table[column])})
    rows = rng.permutation(len(table))
    stamp_rows = rows[: _share(rng, len(table), 0.005)]
    table.loc[stamp_rows, column] = _bad_timestamps(rng, table.loc[stamp_rows, column])
    counts["invalid_timestamp"] = len(stamp_rows)
    if name in _OUT_OF_RANGE:
        score, values = _OUT_OF_RANGE[name]
        start = len(stamp_rows)
        score_rows = rows[start : start + _share(rng, len(table), 0.005)]
        table[score] = _as_text(table[score])
        table.loc[score_rows, score] = rng.choice(values, len(score_rows))
        counts[f"out_of_range_{score}"] = len(score_rows)
    strangers = table.iloc[np.sort(rng.choice(len(table), _share(rng, len(table), 0.01), False))]
    strangers = strangers.copy()
    key = _KEY_COLUMN[name]
    strangers[key] = strangers[key] + "X"
    strangers["customer_id"] = _unknown_ids(rng, len(strangers))
    counts["unknown_customer"] = len(strangers)
    table = pd.concat([table, strangers], ignore_index=True)
    return _with_duplicates(rng, table, counts)


def add_dirt(
    rng: np.random.Generator, tables: dict[str, pd.DataFrame], as_of_year: int
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, int]]]:
    """Dirty copies of the tables and, per file, how many rows of each dirt kind they hold."""
    dirty: dict[str, pd.DataFrame] = {}
    counts: dict[str, dict[str, int]] = {}
    for name in sorted(tables):
        counts[name] = {}
        if name == "customers.csv":
            dirty[name] = _dirty_customers(rng, tables[name], as_of_year, counts[name])
        elif name == "order_lines.csv":
            dirty[name] = _dirty_order_lines(rng, tables[name], counts[name])
        elif name in _TIMESTAMP_COLUMN:
            dirty[name] = _dirty_events(rng, name, tables[name], counts[name])
        else:
            # products.csv stays clean: a broken product only logs a value issue downstream.
            dirty[name] = tables[name]
            del counts[name]
    return dirty, counts
