"""The fixed parts of a planted data set: its timeline, product range and customer population.

The population turns each customer's group into personal behaviour parameters. Variation
inside a group is continuous and deliberately wide (lognormal rates, Beta shares, Dirichlet
channel mixes), and one latent activity level per customer drives purchasing, browsing,
email opens and social reactions together, so features are correlated the way real ones are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.evaluation.planted_groups import GroupSpec
from customer_segmentation.evaluation.planted_mix import split_counts

CATEGORY_NAMES: tuple[str, ...] = (
    "apparel", "shoes", "sports", "home decor", "kitchen", "grocery", "beauty", "pets", "toys",
    "jewellery", "books", "electronics", "garden", "office supplies", "household cleaning",
    "tools",
)  # fmt: skip
_BRAND_HEADS = ("Nor", "Vel", "Ash", "Bri", "Cal", "Dun", "Fen", "Hal", "Kes", "Lor", "Mar", "Tam")
_BRAND_TAILS = ("vik", "ora", "wood", "ton", "stead", "mere", "ly", "holt", "ex", "line", "ford")
# Typical list prices of the budget, mid and premium tiers.
_TIER_PRICES = (7.0, 28.0, 110.0)


@dataclass(frozen=True)
class Timeline:
    """The history: day 0 starts at `start` 00:00 UTC, the last day is `end`.

    Every event is a float number of days since the start, in [0, days).
    """

    start: np.datetime64
    days: int

    @property
    def end(self) -> np.datetime64:
        """The last day that holds data (the warehouse's as-of date is the day after)."""
        return self.start + np.timedelta64(self.days - 1, "D")


def draw_timeline(rng: np.random.Generator) -> Timeline:
    """Two to three years of history ending on a random day of 2021-2025."""
    end = np.datetime64("2021-06-30") + np.timedelta64(int(rng.integers(0, 4 * 365)), "D")
    days = int(rng.integers(2 * 365, 3 * 365 + 1))
    return Timeline(start=end - np.timedelta64(days - 1, "D"), days=days)


@dataclass(frozen=True)
class Products:
    """The product range; products are sorted by (category, price tier) so that each
    (category, tier) cell is a contiguous block a line can sample from."""

    table: pd.DataFrame
    categories: tuple[str, ...]
    price: np.ndarray
    cell_start: np.ndarray
    cell_size: np.ndarray


def build_products(rng: np.random.Generator) -> Products:
    """200-500 products over 8-12 categories; brands follow price tiers inside a category,
    so a customer who sticks to one tier of one category also sticks to a few brands."""
    category_count = int(rng.integers(8, 13))
    categories = tuple(
        CATEGORY_NAMES[i] for i in np.sort(rng.choice(len(CATEGORY_NAMES), category_count, False))
    )
    product_count = int(rng.integers(200, 501))
    per_category = 6 + split_counts(
        rng.dirichlet(np.full(category_count, 4.0)), product_count - 6 * category_count
    )
    brand_pool = [head + tail for head in _BRAND_HEADS for tail in _BRAND_TAILS]
    brand_names = np.array(brand_pool)[rng.permutation(len(brand_pool))[: category_count * 6]]
    cat_index, tier, brand = [], [], []
    for c, size in enumerate(per_category):
        tier_sizes = split_counts(np.array([0.4, 0.4, 0.2]), int(size))
        for t, tier_size in enumerate(tier_sizes):
            cat_index.append(np.full(tier_size, c))
            tier.append(np.full(tier_size, t))
            # Two brands per tier of each category.
            brand.append(brand_names[c * 6 + t * 2 + rng.integers(0, 2, tier_size)])
    cat_index, tier, brand = np.concatenate(cat_index), np.concatenate(tier), np.concatenate(brand)
    category_factor = np.exp(rng.normal(0.0, 0.35, category_count))
    price = np.round(
        np.array(_TIER_PRICES)[tier]
        * category_factor[cat_index]
        * np.exp(rng.normal(0.0, 0.3, product_count)),
        2,
    ).clip(0.5)
    # Premium goods carry the better margin.
    cost = np.round(price * rng.uniform(0.45, 0.75, product_count) * (1 - 0.12 * tier), 2)
    cost[rng.random(product_count) < 0.05] = np.nan
    ids = rng.choice(90_000, product_count, replace=False) + 10_000
    names = [
        f"{b} {categories[c].title()} {m}"
        for b, c, m in zip(brand, cat_index, rng.integers(100, 1000, product_count), strict=True)
    ]
    table = pd.DataFrame(
        {
            "product_id": ["P" + str(i) for i in ids],
            "product_name": names,
            "category": np.array(categories)[cat_index],
            "brand": brand,
            "unit_cost": cost,
            "_price": price,
        }
    )
    cells = cat_index * 3 + tier
    cell_size = np.bincount(cells, minlength=category_count * 3)
    return Products(
        table=table,
        categories=categories,
        price=price,
        cell_start=np.concatenate([[0], np.cumsum(cell_size)[:-1]]),
        cell_size=cell_size,
    )


@dataclass
class Population:
    """Per-customer behaviour parameters, one array element per customer (file row order).

    Times are days since the start of the history (`began` is negative for customers who
    were buying before it), rates are per year and `*_p` fields are probabilities.
    `channel_p` has one column per sales channel, in the order of `CHANNELS`.
    """

    customer_id: np.ndarray
    group: np.ndarray
    activity: np.ndarray
    buy_from: np.ndarray
    buy_until: np.ndarray
    stopped: np.ndarray
    began: np.ndarray
    order_rate: np.ndarray
    lines_mean: np.ndarray
    units_factor: np.ndarray
    channel_p: np.ndarray
    promo_p: np.ndarray
    return_p: np.ndarray
    focus: np.ndarray
    favourite: np.ndarray
    web_rate: np.ndarray
    web_from: np.ndarray
    web_until: np.ndarray
    session_seconds: np.ndarray
    open_p: np.ndarray
    click_p: np.ndarray
    unsubscribes: np.ndarray
    social_rate: np.ndarray
    ticket_rate: np.ndarray
    is_outlier: np.ndarray
    outlier_kind: np.ndarray
    unit_multiplier: np.ndarray
    session_override: np.ndarray

    @property
    def size(self) -> int:
        """Number of customers."""
        return len(self.customer_id)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _beta_around(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    mean = np.clip(mean, 0.01, 0.99)
    return rng.beta(mean * concentration, (1 - mean) * concentration)


def draw_population(
    rng: np.random.Generator,
    groups: list[GroupSpec],
    counts: np.ndarray,
    timeline: Timeline,
    categories: tuple[str, ...],
) -> Population:
    """Give every customer personal behaviour parameters drawn around their group's centres."""
    n, days = int(counts.sum()), timeline.days
    group = rng.permutation(np.repeat(np.arange(len(groups)), counts))

    def centre(attribute: str) -> np.ndarray:
        return np.array([getattr(spec, attribute) for spec in groups], dtype=float)[group]

    def window(attribute: str) -> np.ndarray:
        bounds = np.array([getattr(spec, attribute) for spec in groups], dtype=float)[group]
        return rng.uniform(bounds[:, 0], bounds[:, 1])

    # One latent engagement level per customer, shared by buying, browsing and email.
    activity = np.exp(rng.normal(0.0, 0.5, n))
    log_activity = np.log(activity)

    start_frac, stop_frac = window("start"), window("stop")
    # Ordinary churn: some customers of every still-buying group stop early too, which makes
    # lapsed groups overlap with everyone else instead of being a clean recency cut.
    churn = (stop_frac >= 1.0) & (rng.random(n) < 0.10)
    stop_frac = np.where(churn, rng.uniform(0.45, 0.95, n), stop_frac)
    stopped = stop_frac < 1.0
    buy_until = np.minimum(stop_frac, 1.0) * days
    buy_from = np.minimum(np.maximum(start_frac * days, 0.0), buy_until - 14.0)

    channel_shape = (np.array([spec.channels for spec in groups])[group] + 0.01) * centre(
        "channel_spread"
    )[:, None]
    channel_p = rng.gamma(channel_shape)
    channel_p /= channel_p.sum(axis=1, keepdims=True)

    favourite = rng.integers(0, len(categories), n)
    prefers_pool = rng.random(n) < 0.8
    for g, spec in enumerate(groups):
        pool = [categories.index(name) for name in spec.favourite_categories if name in categories]
        chosen = (group == g) & prefers_pool
        if pool and chosen.any():
            favourite[chosen] = rng.choice(pool, int(chosen.sum()))

    web_from = np.maximum(start_frac * days - rng.uniform(0, 30, n), 0.0)
    web_until = np.where(stopped, np.minimum(buy_until + rng.uniform(0, 120, n), days), days)

    unsubscribes = (rng.random(n) < centre("unsubscribe")) | (stopped & (rng.random(n) < 0.3))

    return Population(
        customer_id=np.array(["C" + str(i) for i in rng.choice(9_000_000, n, False) + 1_000_000]),
        group=group,
        activity=activity,
        buy_from=buy_from,
        buy_until=buy_until,
        stopped=stopped,
        began=start_frac * days,
        order_rate=centre("orders_per_year") * activity * np.exp(rng.normal(0.0, 0.45, n)),
        lines_mean=centre("lines_per_order") * np.exp(rng.normal(0.0, 0.3, n)),
        units_factor=np.exp(rng.normal(0.0, 0.35, n)),
        channel_p=channel_p,
        promo_p=_beta_around(rng, centre("promo_share"), 6.0),
        return_p=_beta_around(rng, centre("return_share"), 5.0),
        focus=np.clip(centre("category_focus") + rng.normal(0.0, 0.15, n), 0.0, 0.95),
        favourite=favourite,
        web_rate=centre("web_sessions_per_year") * activity**0.8 * np.exp(rng.normal(0.0, 0.6, n)),
        web_from=web_from,
        web_until=np.maximum(web_until, web_from + 1.0).clip(max=days),
        session_seconds=centre("session_minutes") * 60 * np.exp(rng.normal(0.0, 0.4, n)),
        open_p=_sigmoid(_logit(centre("email_open")) + 0.7 * log_activity + rng.normal(0, 0.6, n)),
        click_p=_sigmoid(
            _logit(centre("email_click")) + 0.5 * log_activity + rng.normal(0, 0.5, n)
        ),
        unsubscribes=unsubscribes,
        social_rate=centre("social_per_year") * activity * np.exp(rng.normal(0.0, 0.5, n)),
        ticket_rate=centre("tickets_per_order") * np.exp(rng.normal(0.0, 0.4, n)),
        is_outlier=np.zeros(n, dtype=bool),
        outlier_kind=np.full(n, "", dtype=object),
        unit_multiplier=np.ones(n),
        session_override=np.zeros(n, dtype=np.int64),
    )


def plant_outliers(
    rng: np.random.Generator, people: Population, groups: list[GroupSpec], with_web: bool
) -> int:
    """Make 0.2-0.5% of customers extreme inside their own group (at least 3 from 1,000).

    They keep their planted group in the key: a method should not be scored as wrong for
    putting an extreme customer where its behaviour belongs, but it is told who they are.
    """
    n = people.size
    floor = 3 if n >= 1000 else (1 if n >= 100 else 0)
    count = min(n, max(floor, int(round(n * rng.uniform(0.002, 0.005)))))
    chosen = rng.choice(n, count, replace=False)
    kinds = np.array(
        ["orders", "order_value", "sessions"] if with_web else ["orders", "order_value"]
    )
    kind = kinds[rng.integers(0, len(kinds), count)]
    multiplier = rng.uniform(20.0, 100.0, count)
    people.is_outlier[chosen] = True
    people.outlier_kind[chosen] = kind
    is_orders, is_value = kind == "orders", kind == "order_value"
    # Scaled from the group's typical rate, not the customer's own: a sleepy customer times
    # 20 could still look ordinary, and an outlier must stand out inside its group.
    group_rate = np.array([spec.orders_per_year for spec in groups])[people.group]
    burst = chosen[is_orders]
    people.order_rate[burst] = (
        np.maximum(people.order_rate[burst], group_rate[burst]) * multiplier[is_orders]
    )
    # A burst of orders needs time to happen in; newcomers get a longer window too.
    people.buy_from[burst] = np.minimum(
        people.buy_from[burst], people.buy_until[burst] - 60.0
    ).clip(min=0.0)
    people.unit_multiplier[chosen[is_value]] = multiplier[is_value]
    people.session_override[chosen[kind == "sessions"]] = rng.integers(
        2000, 6000, int((kind == "sessions").sum())
    )
    return count
