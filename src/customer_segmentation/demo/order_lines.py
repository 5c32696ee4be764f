"""Rendering order_lines.csv, including the order- and line-level dirt.

Order-level problems (unknown customer, timestamp forms, channel spellings) are applied
per order so all lines of one order agree, like a real order header would; line problems
(bad price, quantity or product) hit single lines.

A line carries at most one problem that makes staging reject it (unknown customer,
unparseable time, invalid channel, missing exchange rate, bad price/quantity/product),
so the warehouse's quarantine counts per reason equal the counts reported here. Harmless
variants (ISO forms, channel spellings) are mixed in freely.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from . import contract as c
from .catalog import PRODUCT_ID_WIDTH, UNKNOWN_PRODUCT_BASE
from .dirt import Columns, bands, choose, pick, unknown_customer_numbers, with_copies
from .settings import Context
from .tables import Table
from .text import format_cents, format_ids, format_ints, lookup
from .timeline import SECONDS_PER_DAY, Window

# Rejecting problems per order (mutually exclusive) and per line (mutually exclusive).
ORDER_DIRT_RATES = {
    "unknown_customer": 0.002,
    "unparseable_ordered_at": 0.001,
    "invalid_channel": 0.0005,
}
LINE_DIRT_RATES = {
    "negative_unit_price": 0.001,
    "zero_quantity": 0.0002,
    "empty_product_id": 0.0002,
    "unknown_product_id": 0.0002,
}
# Harmless variants a staging layer standardises.
TIMESTAMP_FORM_RATES = {"t_separator": 0.05, "offset": 0.03, "utc_z": 0.02}
OFFSETS = (("+01:00", 1), ("+02:00", 2), ("-05:00", -5))
OFFSET_SAFE_HOURS = (5, 21)  # local date == UTC date for every offset above
CHANNEL_VARIANT_RATE = 0.04
# Copies of clean lines.
DUPLICATE_LINE_RATE = 0.005
DUPLICATE_KEY_RATE = 0.0005


def _unparseable(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    """Broken timestamps seen in real exports: prose, impossible dates, day-first dates."""
    kind = rng.integers(3, size=len(codes))
    feb30 = codes.copy()
    feb30[:, 5:10] = [ord(ch) for ch in "02-30"]  # e.g. 2023-02-30 10:00:00
    day_first = codes[:, [8, 9, 7, 5, 6, 4, 0, 1, 2, 3]].copy()  # e.g. 31/12/2023
    day_first[:, [2, 5]] = ord("/")
    return np.where(
        kind == 0,
        "not a date",
        np.where(kind == 1, feb30.view("U19").ravel(), day_first.view("U10").ravel()),
    )


def _timestamps(
    rng: np.random.Generator, secs: np.ndarray, window: Window, broken: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Mostly `YYYY-MM-DD HH:MM:SS`, some ISO variants, unparseable text where `broken`.

    Offsets are only used between 05:00 and 21:59 UTC, so the calendar date is the same
    whether a reader converts to UTC or drops the offset: the variants never move a line
    across a day (or out of the window).
    """
    text = window.format_timestamps(secs).astype("U25")
    forms = {k: v & ~broken for k, v in bands(rng, len(secs), TIMESTAMP_FORM_RATES).items()}
    hour = (secs % SECONDS_PER_DAY) // 3600
    forms["offset"] &= (hour >= OFFSET_SAFE_HOURS[0]) & (hour <= OFFSET_SAFE_HOURS[1])
    rows = forms["t_separator"]
    text[rows] = window.format_timestamps(secs[rows], "T")
    rows = forms["utc_z"]
    text[rows] = np.strings.add(window.format_timestamps(secs[rows], "T"), "Z")
    rows = np.flatnonzero(forms["offset"])
    which = rng.integers(len(OFFSETS), size=len(rows))
    shift = np.asarray([hours for _, hours in OFFSETS])[which] * 3600
    suffix = np.asarray([label for label, _ in OFFSETS])[which]
    text[rows] = np.strings.add(window.format_timestamps(secs[rows] + shift, "T"), suffix)
    text[broken] = _unparseable(rng, window.timestamp_codes(secs[broken]))
    return text, forms


def _channels(
    rng: np.random.Generator, channel: np.ndarray, invalid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Channel text with spelling variants, and values no map can rescue where `invalid`."""
    text = lookup(c.CHANNELS, channel).astype("U16")
    variant = pick(rng, len(channel), CHANNEL_VARIANT_RATE, ~invalid)
    for code, spellings in enumerate(c.CHANNEL_VARIANTS):
        rows = variant & (channel == code)
        text[rows] = choose(rng, spellings, int(rows.sum()))
    text[invalid] = choose(rng, c.INVALID_CHANNELS, int(invalid.sum()))
    return text, variant


def _order_ids(orders: Table, ctx: Context) -> np.ndarray:
    width = ctx.id_width(9, 3)
    return np.where(
        orders["is_return"],
        format_ids("R", orders["number"], width),
        format_ids("O", orders["number"], width),
    )


def _duplicates(
    rng: np.random.Generator, columns: Columns, clean: np.ndarray, quantity: np.ndarray
) -> tuple[Columns, int, int]:
    """Exact copies of some clean lines, and a few clean keys reused with other content."""
    n = len(clean)
    exact = pick(rng, n, DUPLICATE_LINE_RATE, clean)
    rekey = np.flatnonzero(pick(rng, n, DUPLICATE_KEY_RATE, clean & ~exact))
    exact = np.flatnonzero(exact)
    changed = quantity[rekey] + np.where(quantity[rekey] > 0, 1, -1)
    copies = {k: np.concatenate([v[exact], v[rekey]]) for k, v in columns.items()}
    copies["quantity"] = np.concatenate([columns["quantity"][exact], format_ints(changed)])
    merged = with_copies(columns, np.concatenate([exact, rekey]), copies)
    return merged, len(exact), len(rekey)


def render_order_lines(
    orders: Table, lines: Table, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """order_lines.csv rows (contract order); with an `rng`, dirt is injected and counted."""
    o = lines["order"]
    n, n_orders = len(o), len(orders["secs"])
    counts: Counter[str] = Counter()
    customer = orders["customer"].copy()
    product_number = lines["product"] + 1
    quantity = lines["quantity"].copy()
    price = lines["price_cents"].copy()
    ordered_at = ctx.window.format_timestamps(orders["secs"])
    channel = lookup(c.CHANNELS, orders["channel"])
    day = orders["secs"] // SECONDS_PER_DAY
    missing_rate = (orders["currency"] == c.CHF) & (day < ctx.chf_first_day)
    rejected = missing_rate.copy()  # orders whose lines staging will reject
    variant = np.zeros(n_orders, dtype=bool)  # orders with harmless variants
    line_rejected = np.zeros(n, dtype=bool)
    if rng is not None:
        order_dirt = {
            k: v & ~missing_rate for k, v in bands(rng, n_orders, ORDER_DIRT_RATES).items()
        }
        orphan = order_dirt["unknown_customer"] = order_dirt["unknown_customer"] & (customer >= 0)
        customer[orphan] = unknown_customer_numbers(rng, ctx.total_customers, int(orphan.sum()))
        ordered_at, forms = _timestamps(
            rng, orders["secs"], ctx.window, order_dirt["unparseable_ordered_at"]
        )
        channel, spelled = _channels(rng, orders["channel"], order_dirt["invalid_channel"])
        harmless = {
            "t_separator_ordered_at": forms["t_separator"],
            "offset_ordered_at": forms["offset"] | forms["utc_z"],
            "channel_variant": spelled,
        }
        for name, mask in (order_dirt | harmless).items():
            counts[f"{name}_order_lines"] = int(mask[o].sum())
        rejected |= np.logical_or.reduce(list(order_dirt.values()))
        variant = np.logical_or.reduce(list(harmless.values()))
        line_dirt = {k: v & ~rejected[o] for k, v in bands(rng, n, LINE_DIRT_RATES).items()}
        price[line_dirt["negative_unit_price"]] *= -1
        quantity[line_dirt["zero_quantity"]] = 0
        product_number[line_dirt["empty_product_id"]] = -1
        unknown = line_dirt["unknown_product_id"]
        product_number[unknown] = UNKNOWN_PRODUCT_BASE + rng.integers(0, 999, int(unknown.sum()))
        for name, mask in line_dirt.items():
            counts[f"{name}_order_lines"] = int(mask.sum())
        line_rejected = np.logical_or.reduce(list(line_dirt.values()))
    counts["missing_exchange_rate_order_lines"] = int(missing_rate[o].sum())
    counts["guest_order_lines"] = int((orders["customer"][o] < 0).sum())
    promo = lines["promo"]
    columns: Columns = {
        "order_id": _order_ids(orders, ctx)[o],
        "line_number": format_ints(lines["line_number"]),
        "customer_id": format_ids("C", customer, ctx.customer_id_width)[o],
        "ordered_at": ordered_at[o],
        "product_id": format_ids("P", product_number, PRODUCT_ID_WIDTH),
        "quantity": format_ints(quantity),
        "unit_price": format_cents(price),
        "currency": lookup(c.CURRENCIES, orders["currency"])[o],
        "channel": channel[o],
        "promotion_id": np.where(
            promo >= 0, np.strings.add("PROMO-", ctx.window.month_labels[np.maximum(promo, 0)]), ""
        ),
    }
    if rng is not None:
        clean_order = ~rejected & ~variant & (orders["customer"] >= 0)
        columns, exact, rekeyed = _duplicates(
            rng, columns, clean_order[o] & ~line_rejected, quantity
        )
        counts["duplicate_order_lines"] = exact
        counts["duplicate_key_order_lines"] = rekeyed
    is_return = orders["is_return"]
    counts["orders"] = int((~is_return).sum())
    counts["return_orders"] = int(is_return.sum())
    counts["guest_orders"] = int(((orders["customer"] < 0) & ~is_return).sum())
    counts["return_order_lines"] = int(np.strings.startswith(columns["order_id"], "R").sum())
    counts["promotion_order_lines"] = int((columns["promotion_id"] != "").sum())
    counts["empty_currency_order_lines"] = int((columns["currency"] == "").sum())
    counts["chf_order_lines"] = int((columns["currency"] == "CHF").sum())
    return columns, counts
