"""Behavioural profiles of the six hidden customer types.

Segmentation downstream is supposed to *recover* these types from raw events, so each type
differs jointly in several features (recency, frequency, value, promotion use, returns,
engagement, satisfaction) instead of in one column a model could key on. The numbers are
rough but plausible for a mid-sized omnichannel retailer over a two-year window. The
lifecycle (when a type signs up and buys) is in `customers.lifecycle` because it depends on
the window length.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeProfile:
    """Rates and distributions that drive one customer type's behaviour."""

    name: str
    share: float
    # purchasing
    orders_extra: float  # orders = 1 + Poisson(orders_extra), clipped to orders_max
    orders_max: int
    lines_extra: float  # lines per order = 1 + Poisson(lines_extra)
    quantity_extra: float  # quantity per line = 1 + Poisson(quantity_extra)
    price_alpha: float  # > 0 favours expensive products, < 0 cheap ones
    promo_share: float  # probability that a purchased line carries a promotion
    return_rate: float  # probability that a purchased line is returned later
    channel_probs: tuple[float, ...]  # contract.CHANNELS order
    category_prefs: tuple[float, ...]  # catalog.CATEGORIES order
    tier_prefs: tuple[float, ...]  # budget, mid, premium brands
    # digital engagement
    sessions_mean: float  # web sessions over the customer's life in the window
    session_leak: float  # share of sessions outside the active period
    session_median_seconds: float
    device_probs: tuple[float, ...]  # contract.DEVICES order
    email_open: float
    email_click: float  # given opened
    email_convert: float  # given clicked
    unsubscribe_hazard: float  # per email received
    push_open: float
    sms_click: float
    social_mean: float
    # service and satisfaction
    tickets_mean: float
    ticket_category_probs: tuple[float, ...]  # contract.TICKET_CATEGORIES order
    resolution_median_hours: float
    csat_probs: tuple[float, ...]  # scores 1..5
    surveys_mean: float
    nps_range: tuple[int, int]  # inclusive
    review_prob: float  # per purchased line
    rating_range: tuple[int, int]  # inclusive
    # demographics (loosely tied to type)
    birth_year_mean: float
    income_median: float
    education_probs: tuple[float, ...]  # contract.EDUCATION order
    marital_probs: tuple[float, ...]  # contract.MARITAL_STATUS order


PROFILES: tuple[TypeProfile, ...] = (
    TypeProfile(
        name="champion",
        share=0.10,
        orders_extra=11.0,
        orders_max=40,
        lines_extra=1.3,
        quantity_extra=0.4,
        price_alpha=0.2,
        promo_share=0.12,
        return_rate=0.02,
        channel_probs=(0.42, 0.16, 0.02, 0.36, 0.04),
        category_prefs=(1.2, 1.6, 1.2, 1.0, 0.6, 1.2, 0.8, 0.8),
        tier_prefs=(0.4, 1.0, 2.2),
        sessions_mean=26.0,
        session_leak=0.0,
        session_median_seconds=420.0,
        device_probs=(0.45, 0.45, 0.10),
        email_open=0.65,
        email_click=0.45,
        email_convert=0.35,
        unsubscribe_hazard=0.004,
        push_open=0.50,
        sms_click=0.25,
        social_mean=3.0,
        tickets_mean=0.5,
        ticket_category_probs=(0.20, 0.40, 0.30, 0.10),
        resolution_median_hours=12.0,
        csat_probs=(0.02, 0.03, 0.10, 0.35, 0.50),
        surveys_mean=1.2,
        nps_range=(9, 10),
        review_prob=0.15,
        rating_range=(4, 5),
        birth_year_mean=1978.0,
        income_median=98_000.0,
        education_probs=(0.02, 0.18, 0.45, 0.28, 0.07),
        marital_probs=(0.25, 0.50, 0.10, 0.03, 0.12),
    ),
    TypeProfile(
        name="loyal_regular",
        share=0.20,
        orders_extra=5.0,
        orders_max=30,
        lines_extra=1.1,
        quantity_extra=0.3,
        price_alpha=0.0,
        promo_share=0.25,
        return_rate=0.03,
        channel_probs=(0.33, 0.45, 0.06, 0.11, 0.05),
        category_prefs=(1.0, 0.9, 1.2, 1.0, 1.3, 0.9, 0.8, 1.2),
        tier_prefs=(0.8, 1.2, 0.9),
        sessions_mean=10.0,
        session_leak=0.0,
        session_median_seconds=300.0,
        device_probs=(0.55, 0.35, 0.10),
        email_open=0.40,
        email_click=0.25,
        email_convert=0.20,
        unsubscribe_hazard=0.01,
        push_open=0.30,
        sms_click=0.12,
        social_mean=1.0,
        tickets_mean=0.4,
        ticket_category_probs=(0.25, 0.35, 0.30, 0.10),
        resolution_median_hours=18.0,
        csat_probs=(0.03, 0.05, 0.17, 0.40, 0.35),
        surveys_mean=1.0,
        nps_range=(7, 9),
        review_prob=0.10,
        rating_range=(3, 5),
        birth_year_mean=1972.0,
        income_median=72_000.0,
        education_probs=(0.05, 0.30, 0.40, 0.20, 0.05),
        marital_probs=(0.20, 0.55, 0.12, 0.05, 0.08),
    ),
    TypeProfile(
        name="bargain_hunter",
        share=0.20,
        orders_extra=4.0,
        orders_max=30,
        lines_extra=1.3,
        quantity_extra=0.2,
        price_alpha=-0.6,
        promo_share=0.70,
        return_rate=0.15,
        channel_probs=(0.55, 0.15, 0.02, 0.26, 0.02),
        category_prefs=(1.3, 0.5, 0.9, 1.4, 1.6, 0.8, 1.1, 0.9),
        tier_prefs=(2.5, 0.9, 0.25),
        sessions_mean=12.0,
        session_leak=0.0,
        session_median_seconds=360.0,
        device_probs=(0.30, 0.62, 0.08),
        email_open=0.55,
        email_click=0.75,
        email_convert=0.30,
        unsubscribe_hazard=0.02,
        push_open=0.45,
        sms_click=0.35,
        social_mean=1.5,
        tickets_mean=0.6,
        ticket_category_probs=(0.35, 0.35, 0.25, 0.05),
        resolution_median_hours=20.0,
        csat_probs=(0.05, 0.10, 0.25, 0.35, 0.25),
        surveys_mean=0.6,
        nps_range=(5, 9),
        review_prob=0.06,
        rating_range=(2, 5),
        birth_year_mean=1988.0,
        income_median=42_000.0,
        education_probs=(0.08, 0.42, 0.35, 0.13, 0.02),
        marital_probs=(0.45, 0.30, 0.10, 0.02, 0.13),
    ),
    TypeProfile(
        name="new_customer",
        share=0.15,
        orders_extra=0.5,
        orders_max=2,
        lines_extra=0.9,
        quantity_extra=0.2,
        price_alpha=-0.1,
        promo_share=0.30,
        return_rate=0.03,
        channel_probs=(0.58, 0.20, 0.01, 0.20, 0.01),
        category_prefs=(1.2, 1.0, 1.0, 1.1, 0.8, 1.0, 1.0, 1.0),
        tier_prefs=(1.0, 1.0, 0.8),
        sessions_mean=5.0,
        session_leak=0.0,
        session_median_seconds=240.0,
        device_probs=(0.35, 0.55, 0.10),
        email_open=0.45,
        email_click=0.30,
        email_convert=0.20,
        unsubscribe_hazard=0.02,
        push_open=0.30,
        sms_click=0.15,
        social_mean=0.8,
        tickets_mean=0.3,
        ticket_category_probs=(0.20, 0.35, 0.25, 0.20),
        resolution_median_hours=16.0,
        csat_probs=(0.04, 0.06, 0.20, 0.35, 0.35),
        surveys_mean=0.5,
        nps_range=(6, 10),
        review_prob=0.10,
        rating_range=(3, 5),
        birth_year_mean=1995.0,
        income_median=52_000.0,
        education_probs=(0.05, 0.35, 0.42, 0.16, 0.02),
        marital_probs=(0.55, 0.25, 0.05, 0.02, 0.13),
    ),
    TypeProfile(
        name="at_risk",
        share=0.15,
        orders_extra=4.0,
        orders_max=30,
        lines_extra=1.0,
        quantity_extra=0.3,
        price_alpha=0.0,
        promo_share=0.20,
        return_rate=0.04,
        channel_probs=(0.25, 0.40, 0.15, 0.05, 0.15),
        category_prefs=(0.9, 1.2, 1.3, 0.8, 1.0, 1.0, 0.9, 1.0),
        tier_prefs=(1.0, 1.0, 1.0),
        sessions_mean=6.0,
        session_leak=0.15,
        session_median_seconds=180.0,
        device_probs=(0.60, 0.30, 0.10),
        email_open=0.15,
        email_click=0.15,
        email_convert=0.05,
        unsubscribe_hazard=0.06,
        push_open=0.10,
        sms_click=0.05,
        social_mean=0.3,
        tickets_mean=2.5,
        ticket_category_probs=(0.30, 0.40, 0.25, 0.05),
        resolution_median_hours=60.0,
        csat_probs=(0.35, 0.30, 0.20, 0.10, 0.05),
        surveys_mean=0.9,
        nps_range=(0, 6),
        review_prob=0.12,
        rating_range=(1, 3),
        birth_year_mean=1970.0,
        income_median=62_000.0,
        education_probs=(0.06, 0.34, 0.38, 0.18, 0.04),
        marital_probs=(0.22, 0.50, 0.15, 0.06, 0.07),
    ),
    TypeProfile(
        name="dormant",
        share=0.20,
        orders_extra=0.4,
        orders_max=2,
        lines_extra=0.8,
        quantity_extra=0.2,
        price_alpha=-0.3,
        promo_share=0.30,
        return_rate=0.03,
        channel_probs=(0.20, 0.50, 0.20, 0.02, 0.08),
        category_prefs=(1.0, 0.7, 1.0, 0.9, 1.2, 0.8, 1.3, 1.3),
        tier_prefs=(1.4, 1.0, 0.5),
        sessions_mean=1.5,
        session_leak=0.30,
        session_median_seconds=120.0,
        device_probs=(0.65, 0.25, 0.10),
        email_open=0.06,
        email_click=0.10,
        email_convert=0.05,
        unsubscribe_hazard=0.15,
        push_open=0.05,
        sms_click=0.03,
        social_mean=0.1,
        tickets_mean=0.2,
        ticket_category_probs=(0.30, 0.30, 0.30, 0.10),
        resolution_median_hours=24.0,
        csat_probs=(0.10, 0.15, 0.30, 0.25, 0.20),
        surveys_mean=0.3,
        nps_range=(3, 8),
        review_prob=0.03,
        rating_range=(2, 4),
        birth_year_mean=1965.0,
        income_median=47_000.0,
        education_probs=(0.10, 0.42, 0.30, 0.15, 0.03),
        marital_probs=(0.20, 0.45, 0.15, 0.12, 0.08),
    ),
)

TYPE_NAMES: tuple[str, ...] = tuple(p.name for p in PROFILES)
CHAMPION, LOYAL_REGULAR, BARGAIN_HUNTER, NEW_CUSTOMER, AT_RISK, DORMANT = range(len(PROFILES))
