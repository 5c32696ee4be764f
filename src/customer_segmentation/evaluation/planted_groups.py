"""The catalogue of planted behavioural groups (planted_mix picks a seed's groups from it).

Each group is a description of how a kind of customer behaves (how often and when they buy,
what and through which channel, how they react to marketing), not of the features the
warehouse happens to compute: the evaluation should reward a method for finding behaviour,
whatever columns it looks at. Every number is a group-level centre; the population module
spreads customers around it (lognormal rates, Beta shares, Dirichlet channel mixes) so that
neighbouring groups overlap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Sales channels in the order used by every channel vector below.
CHANNELS: tuple[str, ...] = ("web", "store", "catalog", "app", "phone")


@dataclass(frozen=True)
class GroupSpec:
    """How one kind of customer behaves, as group-level centres.

    Time windows are fractions of the history length; a negative start means the customer
    was already buying before the data begins (the history is left-censored, as real
    extracts are).
    """

    name: str
    summary: str
    orders_per_year: float
    start: tuple[float, float]
    stop: tuple[float, float]
    season_share: float
    lines_per_order: float
    units_per_line: float
    price_tiers: tuple[float, float, float]
    category_focus: float
    favourite_categories: tuple[str, ...]
    channels: tuple[float, float, float, float, float]
    channel_spread: float
    promo_share: float
    return_share: float
    web_sessions_per_year: float
    session_minutes: float
    email_open: float
    email_click: float
    unsubscribe: float
    social_per_year: float
    tickets_per_order: float

    def as_dict(self) -> dict[str, object]:
        """The definition as plain JSON-able values, for the metadata file."""
        return asdict(self)


CATALOGUE: tuple[GroupSpec, ...] = (
    GroupSpec(
        name="trade_buyers",
        summary="bulk baskets of cheap goods, many units per line, store/phone/catalog, no deals",
        orders_per_year=6.0,
        start=(-0.8, 0.5),
        stop=(1.0, 1.0),
        season_share=0.0,
        lines_per_order=6.0,
        units_per_line=8.0,
        price_tiers=(0.55, 0.38, 0.07),
        category_focus=0.55,
        favourite_categories=("office supplies", "household cleaning", "tools", "kitchen"),
        channels=(0.15, 0.35, 0.25, 0.05, 0.20),
        channel_spread=5.0,
        promo_share=0.08,
        return_share=0.03,
        web_sessions_per_year=2.0,
        session_minutes=6.0,
        email_open=0.18,
        email_click=0.20,
        unsubscribe=0.08,
        social_per_year=0.2,
        tickets_per_order=0.05,
    ),
    GroupSpec(
        name="everyday_regulars",
        summary="very frequent single-item app/web top-ups, recent, mid email engagement",
        orders_per_year=24.0,
        start=(-0.8, 0.4),
        stop=(1.0, 1.0),
        season_share=0.0,
        lines_per_order=1.6,
        units_per_line=1.3,
        price_tiers=(0.55, 0.40, 0.05),
        category_focus=0.45,
        favourite_categories=("grocery", "beauty", "pets"),
        channels=(0.25, 0.20, 0.02, 0.50, 0.03),
        channel_spread=4.0,
        promo_share=0.15,
        return_share=0.03,
        web_sessions_per_year=8.0,
        session_minutes=4.0,
        email_open=0.32,
        email_click=0.20,
        unsubscribe=0.05,
        social_per_year=2.0,
        tickets_per_order=0.01,
    ),
    GroupSpec(
        name="season_gifters",
        summary="a few mid/premium gift orders a year, mostly late Nov-Dec, gift categories",
        orders_per_year=2.2,
        start=(-0.8, 0.3),
        stop=(1.0, 1.0),
        season_share=0.75,
        lines_per_order=3.0,
        units_per_line=1.4,
        price_tiers=(0.20, 0.50, 0.30),
        category_focus=0.50,
        favourite_categories=("toys", "jewellery", "home decor", "books"),
        channels=(0.50, 0.35, 0.05, 0.08, 0.02),
        channel_spread=4.0,
        promo_share=0.20,
        return_share=0.08,
        web_sessions_per_year=3.0,
        session_minutes=7.0,
        email_open=0.22,
        email_click=0.20,
        unsubscribe=0.10,
        social_per_year=1.0,
        tickets_per_order=0.03,
    ),
    GroupSpec(
        name="deal_chasers",
        summary="nearly every order on a promotion, budget goods, opens and clicks most emails",
        orders_per_year=8.0,
        start=(-0.8, 0.5),
        stop=(1.0, 1.0),
        season_share=0.10,
        lines_per_order=3.0,
        units_per_line=2.0,
        price_tiers=(0.70, 0.28, 0.02),
        category_focus=0.20,
        favourite_categories=(),
        channels=(0.55, 0.10, 0.02, 0.31, 0.02),
        channel_spread=4.0,
        promo_share=0.80,
        return_share=0.08,
        web_sessions_per_year=10.0,
        session_minutes=6.0,
        email_open=0.62,
        email_click=0.45,
        unsubscribe=0.02,
        social_per_year=5.0,
        tickets_per_order=0.03,
    ),
    GroupSpec(
        name="faded_regulars",
        summary="used to buy monthly, stopped 8-20 months before the end, often unsubscribed",
        orders_per_year=11.0,
        start=(-0.7, 0.1),
        stop=(0.30, 0.65),
        season_share=0.0,
        lines_per_order=2.5,
        units_per_line=1.5,
        price_tiers=(0.35, 0.50, 0.15),
        category_focus=0.35,
        favourite_categories=(),
        channels=(0.35, 0.40, 0.10, 0.10, 0.05),
        channel_spread=3.0,
        promo_share=0.25,
        return_share=0.05,
        web_sessions_per_year=4.0,
        session_minutes=5.0,
        email_open=0.12,
        email_click=0.10,
        unsubscribe=0.45,
        social_per_year=0.5,
        tickets_per_order=0.05,
    ),
    GroupSpec(
        name="fresh_arrivals",
        summary="first bought in the last few months, short tenure, heavy recent browsing",
        orders_per_year=9.0,
        start=(0.84, 0.97),
        stop=(1.0, 1.0),
        season_share=0.0,
        lines_per_order=2.0,
        units_per_line=1.3,
        price_tiers=(0.40, 0.45, 0.15),
        category_focus=0.25,
        favourite_categories=(),
        channels=(0.50, 0.15, 0.02, 0.31, 0.02),
        channel_spread=4.0,
        promo_share=0.35,
        return_share=0.06,
        web_sessions_per_year=15.0,
        session_minutes=6.0,
        email_open=0.50,
        email_click=0.30,
        unsubscribe=0.03,
        social_per_year=4.0,
        tickets_per_order=0.06,
    ),
    GroupSpec(
        name="browsers",
        summary="browse the site constantly with long sessions but buy once or twice a year",
        orders_per_year=1.3,
        start=(-0.8, 0.5),
        stop=(1.0, 1.0),
        season_share=0.0,
        lines_per_order=1.5,
        units_per_line=1.2,
        price_tiers=(0.30, 0.50, 0.20),
        category_focus=0.20,
        favourite_categories=(),
        channels=(0.65, 0.05, 0.01, 0.28, 0.01),
        channel_spread=4.0,
        promo_share=0.30,
        return_share=0.10,
        web_sessions_per_year=45.0,
        session_minutes=14.0,
        email_open=0.40,
        email_click=0.35,
        unsubscribe=0.05,
        social_per_year=10.0,
        tickets_per_order=0.05,
    ),
    GroupSpec(
        name="serial_returners",
        summary="order apparel/shoes online and send back roughly half, many support tickets",
        orders_per_year=6.0,
        start=(-0.8, 0.5),
        stop=(1.0, 1.0),
        season_share=0.0,
        lines_per_order=4.0,
        units_per_line=1.5,
        price_tiers=(0.20, 0.60, 0.20),
        category_focus=0.60,
        favourite_categories=("apparel", "shoes", "sports"),
        channels=(0.60, 0.15, 0.05, 0.20, 0.00),
        channel_spread=4.0,
        promo_share=0.30,
        return_share=0.45,
        web_sessions_per_year=10.0,
        session_minutes=8.0,
        email_open=0.35,
        email_click=0.30,
        unsubscribe=0.05,
        social_per_year=2.0,
        tickets_per_order=0.25,
    ),
    GroupSpec(
        name="premium_loyalists",
        summary="rare but expensive orders of one premium range, in store or by phone, no deals",
        orders_per_year=2.5,
        start=(-0.8, 0.4),
        stop=(1.0, 1.0),
        season_share=0.10,
        lines_per_order=2.0,
        units_per_line=1.1,
        price_tiers=(0.02, 0.18, 0.80),
        category_focus=0.70,
        favourite_categories=("jewellery", "electronics", "home decor"),
        channels=(0.10, 0.55, 0.05, 0.05, 0.25),
        channel_spread=4.0,
        promo_share=0.03,
        return_share=0.04,
        web_sessions_per_year=2.0,
        session_minutes=5.0,
        email_open=0.28,
        email_click=0.20,
        unsubscribe=0.05,
        social_per_year=0.3,
        tickets_per_order=0.08,
    ),
)
