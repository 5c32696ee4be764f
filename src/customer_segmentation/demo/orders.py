"""Orders, guest checkouts and returns of one chunk, and their order_lines.csv rows.

Orders and lines are kept as two column tables (dicts of numpy arrays) joined by the
line's `order` index, so order-level attributes (time, channel, currency, customer) are
drawn once per order and order-level dirt hits every line of an order consistently.
"""

from __future__ import annotations

import numpy as np

from . import contract as c
from .customers import Customers
from .dirt import choose
from .draws import cumulative, param, sample_fixed, sample_rows
from .settings import Context
from .tables import Table, owners, take
from .timeline import SECONDS_PER_DAY, times_in_days, uniform_ints

MAX_LINES_PER_ORDER = 8
MAX_QUANTITY = 6
PROMO_DISCOUNTS_PCT = (10, 15, 20, 25, 30)
EMPTY_CURRENCY_RATE = 0.08  # single-currency mode: currency left blank (= USD)
FOREIGN_USD_RATE = 0.06  # multi-currency mode: non-US customers paying in USD
EMPTY_USD_RATE = 0.03  # multi-currency mode: USD orders with a blank currency
GUEST_ORDER_SHARE = 0.02
GUEST_CHANNEL_PROBS = (0.50, 0.35, 0.02, 0.10, 0.03)
RETURN_DELAY_DAYS = (2, 30)


def combine(*parts: tuple[Table, Table]) -> tuple[Table, Table]:
    """Concatenate (orders, lines) pairs, re-pointing each line at its shifted order."""
    offsets = np.cumsum([0] + [len(o["secs"]) for o, _ in parts[:-1]])
    orders = {k: np.concatenate([o[k] for o, _ in parts]) for k in parts[0][0]}
    lines = {k: np.concatenate([ln[k] for _, ln in parts]) for k in parts[0][1]}
    lines["order"] = np.concatenate(
        [ln["order"] + off for (_, ln), off in zip(parts, offsets, strict=True)]
    )
    return orders, lines


def _currencies(rng: np.random.Generator, home: np.ndarray, ctx: Context) -> np.ndarray:
    """Currency code per order: USD/blank only, or the customer's home currency."""
    n = len(home)
    if not ctx.currencies:
        return np.where(rng.random(n) < EMPTY_CURRENCY_RATE, c.EMPTY_CURRENCY, c.USD)
    code = np.where(rng.random(n) < FOREIGN_USD_RATE, c.USD, home)
    return np.where((code == c.USD) & (rng.random(n) < EMPTY_USD_RATE), c.EMPTY_CURRENCY, code)


def _line_numbers(n_lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For orders with `n_lines` lines each: the order index and 1-based number per line."""
    order = owners(n_lines)
    starts = np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    return order, np.arange(len(order)) - starts + 1


def _lines_for(rng: np.random.Generator, orders: Table, ctype: np.ndarray, ctx: Context) -> Table:
    """Purchased lines for `orders`; `ctype` is the customer type per order (-1 = guest)."""
    lines_extra = np.where(ctype >= 0, param("lines_extra")[np.maximum(ctype, 0)], 0.6)
    n_lines = np.minimum(1 + rng.poisson(lines_extra), MAX_LINES_PER_ORDER)
    order, line_number = _line_numbers(n_lines)
    line_type = ctype[order]
    known = line_type >= 0
    safe_type = np.maximum(line_type, 0)
    product = ctx.catalog.sample(rng, line_type)
    qty_extra = np.where(known, param("quantity_extra")[safe_type], 0.2)
    quantity = 1 + np.minimum(rng.poisson(qty_extra), MAX_QUANTITY - 1)
    promo_share = np.where(known, param("promo_share")[safe_type], 0.2)
    promoted = rng.random(len(order)) < promo_share
    discount = choose(rng, PROMO_DISCOUNTS_PCT, len(order)) * promoted
    usd_cents = ctx.catalog.price_cents[product] * (100 - discount) / 100.0
    rate = np.asarray(c.NOMINAL_RATE_TO_USD)[orders["currency"][order]]
    day = orders["secs"][order] // SECONDS_PER_DAY
    return {
        "order": order,
        "line_number": line_number,
        "product": product,
        "quantity": quantity,
        "price_cents": np.maximum(np.round(usd_cents / rate), 1).astype(np.int64),
        "promo": np.where(promoted, ctx.window.month_of_day[day], -1),
    }


def draw_sales(rng: np.random.Generator, cust: Customers, ctx: Context) -> tuple[Table, Table]:
    """All purchase orders of the chunk's customers, with their lines."""
    types = cust.type
    n_orders = np.minimum(1 + rng.poisson(param("orders_extra")[types]), param("orders_max")[types])
    n_orders = n_orders.astype(np.int64)
    owner = owners(n_orders)
    lo = cust.order_lo[owner].copy()
    first = np.cumsum(n_orders) - n_orders
    lo[first] = cust.anchor_lo  # the first drawn order is the guaranteed recent one
    secs = times_in_days(rng, lo, cust.order_hi[owner])
    ctype = types[owner]
    orders: Table = {
        "customer": cust.number[owner],
        "ctype": ctype,
        "secs": secs,
        "channel": sample_rows(rng, cumulative("channel_probs"), ctype),
        "currency": _currencies(rng, cust.home_currency[owner], ctx),
        "is_return": np.zeros(len(owner), dtype=bool),
    }
    return orders, _lines_for(rng, orders, ctype, ctx)


def draw_guest_orders(
    rng: np.random.Generator, customer_orders: Table, ctx: Context
) -> tuple[Table, Table]:
    """Guest checkouts (no customer id): about 2% of all orders.

    Their times follow the customer orders' (plus a day or two of jitter), so guest
    traffic grows with the customer base instead of dominating the window's first weeks.
    """
    template = customer_orders["secs"]
    n = int(rng.binomial(len(template), GUEST_ORDER_SHARE / (1 - GUEST_ORDER_SHARE)))
    home = np.asarray([cur for _, _, cur, _ in c.COUNTRIES])[
        sample_fixed(rng, [share for _, share, _, _ in c.COUNTRIES], n)
    ]
    jitter = rng.integers(-2 * SECONDS_PER_DAY, 2 * SECONDS_PER_DAY, n)
    secs = template[rng.integers(0, max(len(template), 1), n)] + jitter if n else jitter
    ctype = np.full(n, -1, dtype=np.int64)
    orders: Table = {
        "customer": np.full(n, -1, dtype=np.int64),
        "ctype": ctype,
        "secs": np.clip(secs, 0, ctx.window.seconds - 1),
        "channel": sample_fixed(rng, GUEST_CHANNEL_PROBS, n),
        "currency": _currencies(rng, home, ctx),
        "is_return": np.zeros(n, dtype=bool),
    }
    return orders, _lines_for(rng, orders, ctype, ctx)


def draw_returns(
    rng: np.random.Generator, orders: Table, lines: Table, ctx: Context
) -> tuple[Table, Table, np.ndarray]:
    """Return orders (`R...`) for some purchased lines; also the per-line 'returned' mask.

    A return repeats product and unit price with negative quantity, a few weeks later;
    returns that would fall after the window are simply not observed yet.
    """
    ctype = orders["ctype"][lines["order"]]
    rate = np.where(ctype >= 0, param("return_rate")[np.maximum(ctype, 0)], 0.0)
    candidate = (rng.random(len(ctype)) < rate) & (lines["quantity"] > 0)
    source_orders, inverse = np.unique(lines["order"][candidate], return_inverse=True)
    delay = uniform_ints(rng, *[np.full(len(source_orders), d) for d in RETURN_DELAY_DAYS])
    secs = orders["secs"][source_orders] + delay * SECONDS_PER_DAY
    secs += rng.integers(-3 * 3600, 3 * 3600, len(source_orders))
    observed = secs < ctx.window.seconds
    keep_order = np.cumsum(observed) - 1  # new index of each kept return order
    returned_lines = np.flatnonzero(candidate)[observed[inverse]]
    ret_orders = take(orders, source_orders[observed])
    ret_orders["secs"] = secs[observed]
    ret_orders["is_return"] = np.ones(int(observed.sum()), dtype=bool)
    ret_lines = take(lines, returned_lines)
    ret_lines["order"] = keep_order[inverse[observed[inverse]]]
    counts = np.bincount(ret_lines["order"], minlength=len(ret_orders["secs"]))
    ret_lines["line_number"] = _line_numbers(counts)[1]
    partial = rng.random(len(returned_lines)) < 0.2
    kept_qty = np.floor(rng.random(len(returned_lines)) * ret_lines["quantity"]).astype(np.int64)
    ret_lines["quantity"] = -(ret_lines["quantity"] - np.where(partial, kept_qty, 0))
    returned = np.zeros(len(ctype), dtype=bool)
    returned[returned_lines] = True
    return ret_orders, ret_lines, returned


def in_id_order(orders: Table, lines: Table) -> tuple[Table, Table]:
    """Orders sorted by id (purchases `O...` first, then returns `R...`), lines grouped under them.

    Exports from order systems come sorted by order id; keeping that makes the file easy to
    eyeball and puts injected duplicates next to the row they copy.
    """
    rank = np.lexsort((orders["number"], orders["is_return"]))
    position = np.empty(len(rank), dtype=np.int64)
    position[rank] = np.arange(len(rank))
    lines = dict(lines, order=position[lines["order"]])
    return take(orders, rank), take(lines, np.lexsort((lines["line_number"], lines["order"])))


def assign_numbers(orders: Table, first_number: int) -> np.ndarray:
    """Sequential order numbers in time order (ties keep generation order)."""
    rank = np.argsort(orders["secs"], kind="stable")
    numbers = np.empty(len(rank), dtype=np.int64)
    numbers[rank] = first_number + np.arange(len(rank))
    return numbers
