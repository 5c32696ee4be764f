"""Orders, order lines and returns of a planted data set.

Orders are a Poisson process over each customer's buying window at the customer's own rate;
seasonal buyers move most of their orders into the gift season. Returns are separate return
orders (negative quantities) a few days after the purchase, as retailers book credit notes,
so they never make a purchase order look like a non-purchase. Prices are in USD, written
as `USD` or left empty (the contract's "reporting currency"), which matches the project's
default `reporting_currency`; no exchange rates are needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.evaluation import planted_io as io
from customer_segmentation.evaluation.planted_groups import CHANNELS, GroupSpec
from customer_segmentation.evaluation.planted_world import Population, Products, Timeline


@dataclass(frozen=True)
class Orders:
    """The order_lines table as text plus the numeric facts later tables hang off."""

    lines: pd.DataFrame
    order_customer: np.ndarray
    order_time: np.ndarray
    first_order_time: np.ndarray
    orders_per_customer: np.ndarray
    line_customer: np.ndarray
    line_product: np.ndarray
    line_time: np.ndarray


def _order_times(
    rng: np.random.Generator,
    people: Population,
    groups: list[GroupSpec],
    timeline: Timeline,
    order_customer: np.ndarray,
) -> np.ndarray:
    lo, hi = people.buy_from[order_customer], people.buy_until[order_customer]
    t = lo + rng.random(len(order_customer)) * (hi - lo)
    season_share = np.array([spec.season_share for spec in groups])[people.group[order_customer]]
    seasonal = np.flatnonzero(rng.random(len(t)) < season_share)
    if seasonal.size:
        day = timeline.start + np.floor(t[seasonal]).astype("timedelta64[D]")
        # 15 November of the order's year, as days since the start of the history.
        nov15 = (day.astype("datetime64[Y]").astype("datetime64[M]") + 10).astype(
            "datetime64[D]"
        ) + 14
        moved = (nov15 - timeline.start).astype(np.int64) + rng.uniform(0, 40, seasonal.size)
        # A season that has not come yet inside the window: use the previous one.
        moved = np.where(moved >= hi[seasonal], moved - 365.0, moved)
        inside = moved >= lo[seasonal]
        t[seasonal[inside]] = moved[inside]
    t = np.clip(t, 0.0, timeline.days - 1e-6)
    # Pin the last order to the last day so the data's end date (and the warehouse's default
    # as-of date, the day after) is known exactly, whatever the sample size.
    last = int(np.argmax(t))
    t[last] = timeline.days - 1 + (t[last] % 1.0)
    return t


def build_orders(
    rng: np.random.Generator,
    people: Population,
    groups: list[GroupSpec],
    products: Products,
    timeline: Timeline,
) -> Orders:
    """Draw every customer's orders, their lines and their returns."""
    n = people.size
    years = (people.buy_until - people.buy_from) / 365.25
    # At least one purchase each: a customer who never bought is not scored by the warehouse,
    # and the key should only hold customers a method can be judged on.
    per_customer = 1 + rng.poisson(people.order_rate * years)
    order_customer = np.repeat(np.arange(n), per_customer)
    order_time = _order_times(rng, people, groups, timeline, order_customer)
    order_count = len(order_customer)

    first_order_time = np.full(n, np.inf)
    np.minimum.at(first_order_time, order_customer, order_time)

    cumulative = np.cumsum(people.channel_p[order_customer], axis=1)
    order_channel = (rng.random(order_count)[:, None] > cumulative).sum(axis=1).clip(max=4)
    on_promo = rng.random(order_count) < people.promo_p[order_customer]
    month = (
        (timeline.start + np.floor(order_time).astype("timedelta64[D]"))
        .astype("datetime64[M]")
        .astype(np.int64)
    )
    promo_slot = rng.integers(0, 3, order_count)
    first_month = int(month.min())
    discounts = rng.uniform(0.10, 0.35, (int(month.max()) - first_month + 1, 3))
    order_discount = np.where(on_promo, discounts[month - first_month, promo_slot], 0.0)
    month_text = np.datetime_as_string(month.astype("datetime64[M]"), unit="M")
    promo_id = np.where(
        on_promo,
        np.strings.add(np.strings.add("PR-", np.strings.replace(month_text, "-", "")), "-")
        + (promo_slot + 1).astype(str),
        "",
    ).astype(object)

    lines_per_order = 1 + rng.poisson(np.maximum(people.lines_mean[order_customer] - 1, 0))
    line_order = np.repeat(np.arange(order_count), lines_per_order)
    line_count = len(line_order)
    line_number = np.arange(line_count) - np.repeat(
        np.cumsum(lines_per_order) - lines_per_order, lines_per_order
    )
    line_customer = order_customer[line_order]
    line_group = people.group[line_customer]

    focused = rng.random(line_count) < people.focus[line_customer]
    category = np.where(
        focused,
        people.favourite[line_customer],
        rng.integers(0, len(products.categories), line_count),
    )
    tier_cumulative = np.cumsum(np.array([spec.price_tiers for spec in groups]), axis=1)
    tier = (rng.random(line_count)[:, None] > tier_cumulative[line_group]).sum(axis=1).clip(max=2)
    cell = category * 3 + tier
    product = products.cell_start[cell] + np.floor(
        rng.random(line_count) * products.cell_size[cell]
    ).astype(np.int64)

    units_extra = np.array([spec.units_per_line - 1 for spec in groups])[line_group]
    quantity = 1 + rng.poisson(units_extra * people.units_factor[line_customer])
    quantity = np.maximum(np.round(quantity * people.unit_multiplier[line_customer]), 1).astype(
        np.int64
    )
    unit_price = np.round(products.price[product] * (1 - order_discount[line_order]), 2)

    # Returns: a credit-note order per purchase order that had any line sent back.
    returned = rng.random(line_count) < people.return_p[line_customer]
    return_delay = rng.uniform(2.0, 30.0, order_count)
    return_time = order_time + return_delay
    returned &= return_time[line_order] < timeline.days
    r_index = np.flatnonzero(returned)
    r_order = line_order[r_index]
    starts = np.flatnonzero(np.r_[True, r_order[1:] != r_order[:-1]])
    r_number = np.arange(len(r_index)) - np.repeat(starts, np.diff(np.r_[starts, len(r_index)]))
    r_quantity = -(1 + rng.binomial(quantity[r_index] - 1, 0.4))

    order_rank = np.argsort(np.argsort(order_time, kind="stable"), kind="stable") + 100_001
    order_id = io.numbered("O", order_rank)
    return_id = io.numbered("R", order_rank)

    all_order = np.r_[line_order, r_order]
    all_time = np.r_[order_time[line_order], return_time[r_order]]
    all_number = np.r_[line_number, r_number] + 1
    is_return = np.r_[np.zeros(line_count, bool), np.ones(len(r_index), bool)]
    all_line = np.r_[np.arange(line_count), r_index]
    # File order: by time, then order, then line, as an export from an order system would be.
    sort = np.lexsort((all_number, is_return, order_rank[all_order], all_time))
    all_order, all_time, all_number = all_order[sort], all_time[sort], all_number[sort]
    is_return, all_line = is_return[sort], all_line[sort]

    currency_share = rng.choice([1.0, 0.0, 0.7])
    currency = np.where(rng.random(len(sort)) < currency_share, "USD", "").astype(object)
    lines = pd.DataFrame(
        {
            "order_id": np.where(is_return, return_id[all_order], order_id[all_order]),
            "line_number": all_number,
            "customer_id": people.customer_id[order_customer[all_order]].astype(object),
            "ordered_at": io.moments(timeline, all_time),
            "product_id": products.table["product_id"].to_numpy()[product[all_line]],
            "quantity": np.r_[quantity, r_quantity][sort],
            "unit_price": io.money(unit_price[all_line]),
            "currency": currency,
            "channel": np.array(CHANNELS, dtype=object)[order_channel[all_order]],
            "promotion_id": promo_id[all_order],
        }
    )
    return Orders(
        lines=lines,
        order_customer=order_customer,
        order_time=order_time,
        first_order_time=first_order_time,
        orders_per_customer=per_customer,
        line_customer=line_customer,
        line_product=product,
        line_time=order_time[line_order],
    )
