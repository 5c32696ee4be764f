"""Planted groups told apart by purchasing alone (`planted --groups purchasing`).

Every group here differs from the others only in how often, over which stretch of the history
and how much it buys; channels, categories, deals, returns, web, email, social and support share
one set of centres, so the features built from them hold no group structure. That is the kind
of data on which issue 16's unseen sets had K-means on log R, F, M alone beat K-means on every
feature (0.707 against 0.645), which the behaviour catalogue's groups never do.
"""

from __future__ import annotations

from customer_segmentation.evaluation.planted_groups import GroupSpec


def _purchasing_only(name: str, summary: str, **purchasing: object) -> GroupSpec:
    """A group that differs from the others only in how often, over which stretch of the
    history and how much it buys; every other behaviour takes the shared centres below."""
    shared = {
        "start": (-0.8, 0.4),
        "stop": (1.0, 1.0),
        "season_share": 0.05,
        "lines_per_order": 2.0,
        "units_per_line": 1.5,
        "price_tiers": (0.40, 0.45, 0.15),
        "category_focus": 0.40,
        "favourite_categories": ("kitchen", "tools", "garden"),
        "channels": (0.40, 0.25, 0.05, 0.25, 0.05),
        "channel_spread": 4.0,
        "promo_share": 0.20,
        "return_share": 0.06,
        "web_sessions_per_year": 8.0,
        "session_minutes": 6.0,
        "email_open": 0.30,
        "email_click": 0.25,
        "unsubscribe": 0.06,
        "social_per_year": 2.0,
        "tickets_per_order": 0.05,
    }
    return GroupSpec(name=name, summary=summary, **{**shared, **purchasing})


PURCHASING_CATALOGUE: tuple[GroupSpec, ...] = (
    _purchasing_only(
        "frequent_big_baskets",
        "buy every few weeks, large baskets",
        orders_per_year=20.0,
        lines_per_order=3.0,
        units_per_line=2.0,
        price_tiers=(0.30, 0.50, 0.20),
    ),
    _purchasing_only("steady_regulars", "buy every other month", orders_per_year=7.0),
    _purchasing_only(
        "rare_premium",
        "two or three expensive orders a year",
        orders_per_year=2.5,
        lines_per_order=3.0,
        units_per_line=2.0,
        price_tiers=(0.05, 0.25, 0.70),
    ),
    _purchasing_only(
        "rare_small",
        "one or two small cheap orders a year",
        orders_per_year=1.5,
        lines_per_order=1.5,
        units_per_line=1.2,
        price_tiers=(0.60, 0.35, 0.05),
    ),
    _purchasing_only(
        "lapsed_regulars",
        "bought monthly, stopped a third to half of the way in",
        orders_per_year=10.0,
        start=(-0.8, 0.1),
        stop=(0.2, 0.5),
    ),
    _purchasing_only(
        "recent_arrivals",
        "first order in the last sixth of the history, then regular",
        orders_per_year=8.0,
        start=(0.85, 0.97),
    ),
    _purchasing_only(
        "lapsed_occasionals",
        "a couple of orders a year, none in the later part of the history",
        orders_per_year=2.0,
        lines_per_order=1.5,
        units_per_line=1.3,
        start=(-0.8, 0.0),
        stop=(0.1, 0.4),
    ),
)
