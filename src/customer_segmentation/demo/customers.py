"""Customers of one chunk: hidden type, lifecycle, demographics, and customers.csv rows.

The lifecycle (signup day, the days in which the customer buys, when engagement stops) is
what makes types separable on recency and frequency, so it is defined explicitly per type
here rather than as profile numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import contract as c
from .dirt import Columns, bands, choose, pick, with_copies
from .draws import cumulative, param, sample_fixed, sample_rows
from .profiles import (
    AT_RISK,
    BARGAIN_HUNTER,
    CHAMPION,
    DORMANT,
    LOYAL_REGULAR,
    NEW_CUSTOMER,
    TYPE_NAMES,
)
from .settings import Context
from .text import format_cents, format_ids, format_ints

MISSING_SIGNUP_RATE = 0.01
MISSING_BIRTH_YEAR_RATE = 0.02
MISSING_INCOME_RATE = 0.04
DUPLICATE_ROW_RATE = 0.002
IMPOSSIBLE_BIRTH_YEAR_RATE = 0.003
NEGATIVE_INCOME_RATE = 0.001
GENDER_VARIANT_RATE = 0.015
GENDER_PROBS = (0.51, 0.47, 0.02)
EDUCATION_INCOME_EFFECT = (-0.30, -0.15, 0.0, 0.15, 0.30)


@dataclass(frozen=True)
class Customers:
    """Everything later entities need to know about the chunk's customers (one row each)."""

    number: np.ndarray  # global customer number; id is `C` + zero-padded number
    type: np.ndarray  # index into profiles.PROFILES
    signup_day: np.ndarray
    order_lo: np.ndarray  # first day the customer may order
    order_hi: np.ndarray  # last day the customer may order (at_risk/dormant stop early)
    anchor_lo: np.ndarray  # one order falls in [anchor_lo, order_hi]; keeps recency realistic
    active_hi: np.ndarray  # last day of regular engagement (sessions, tickets, surveys)
    birth_year: np.ndarray
    gender: np.ndarray
    income_cents: np.ndarray
    education: np.ndarray
    marital: np.ndarray
    country: np.ndarray
    city: np.ndarray
    home_currency: np.ndarray
    signup_missing: np.ndarray
    birth_year_missing: np.ndarray
    income_missing: np.ndarray

    def __len__(self) -> int:
        return len(self.number)


def _signup_bounds(days: int) -> np.ndarray:
    """Per type, the (lo, hi) day range in which customers of that type sign up."""
    bounds = np.zeros((len(TYPE_NAMES), 2))
    bounds[CHAMPION] = (0, 0.25 * days)  # long tenure
    bounds[LOYAL_REGULAR] = (0, 0.45 * days)
    bounds[BARGAIN_HUNTER] = (0, 0.50 * days)
    bounds[NEW_CUSTOMER] = (days - 90, days - 10)  # joined in the last ~90 days
    bounds[AT_RISK] = (0, 0.30 * days)
    bounds[DORMANT] = (0, days - 400)  # leaves room for a year of silence before the end
    return np.floor(bounds).astype(np.int64)


def _recent_anchor(days: int) -> np.ndarray:
    """Per type, the earliest day of the guaranteed 'latest' order (-1 = no such order)."""
    anchor = np.full(len(TYPE_NAMES), -1, dtype=np.int64)
    anchor[CHAMPION] = days - 30
    anchor[LOYAL_REGULAR] = days - 90
    anchor[BARGAIN_HUNTER] = days - 150
    return anchor


def lifecycle(rng: np.random.Generator, types: np.ndarray, days: int) -> dict[str, np.ndarray]:
    """Signup and buying/engagement day ranges per customer, depending on the type."""
    bounds = _signup_bounds(days)[types]
    signup = bounds[:, 0] + np.floor(
        rng.random(len(types)) * (bounds[:, 1] - bounds[:, 0] + 1)
    ).astype(np.int64)
    order_lo = signup + 1
    order_hi = np.full(len(types), days - 1, dtype=np.int64)
    # at_risk: bought moderately, then nothing in the last 6-12 months
    churn = days - 180 - rng.integers(0, 186, len(types))
    order_hi = np.where(types == AT_RISK, churn, order_hi)
    # dormant: one or two purchases soon after signup, more than a year before the end
    order_hi = np.where(types == DORMANT, np.minimum(signup + 120, days - 370), order_hi)
    active_hi = np.where(types == AT_RISK, np.minimum(churn + 45, days - 1), days - 1)
    active_hi = np.where(types == DORMANT, np.minimum(order_hi + 60, days - 1), active_hi)
    anchor = _recent_anchor(days)[types]
    anchor_lo = np.where(anchor >= 0, np.maximum(anchor, order_lo), order_lo)
    return {
        "signup_day": signup,
        "order_lo": order_lo,
        "order_hi": order_hi,
        "anchor_lo": anchor_lo,
        "active_hi": active_hi,
    }


def draw_customers(rng: np.random.Generator, first_number: int, n: int, ctx: Context) -> Customers:
    """Draw `n` customers numbered from `first_number` with types, lifecycle and demographics."""
    shares = param("share")
    types = sample_fixed(rng, shares, n)
    life = lifecycle(rng, types, ctx.window.days)
    birth = np.round(rng.normal(param("birth_year_mean")[types], 12.0))
    birth = np.clip(birth, c.MIN_BIRTH_YEAR, c.MAX_BIRTH_YEAR).astype(np.int64)
    education = sample_rows(rng, cumulative("education_probs"), types)
    log_income = (
        np.log(param("income_median")[types]) + np.asarray(EDUCATION_INCOME_EFFECT)[education]
    )
    income_dollars = np.round(rng.lognormal(log_income, 0.35) / 10.0) * 10.0
    country = sample_fixed(rng, [share for _, share, _, _ in c.COUNTRIES], n)
    city_pick = rng.random(n)
    city = np.array([""] * n, dtype=f"U{max(len(x) for *_, cities in c.COUNTRIES for x in cities)}")
    for k, (_, _, _, cities) in enumerate(c.COUNTRIES):
        rows = country == k
        city[rows] = np.asarray(cities)[(city_pick[rows] * len(cities)).astype(np.int64)]
    return Customers(
        number=first_number + np.arange(n, dtype=np.int64),
        type=types,
        birth_year=birth,
        gender=sample_fixed(rng, GENDER_PROBS, n),
        income_cents=(income_dollars * 100).astype(np.int64),
        education=education,
        marital=sample_rows(rng, cumulative("marital_probs"), types),
        country=country,
        city=city,
        home_currency=np.asarray([cur for _, _, cur, _ in c.COUNTRIES])[country],
        signup_missing=rng.random(n) < MISSING_SIGNUP_RATE,
        birth_year_missing=rng.random(n) < MISSING_BIRTH_YEAR_RATE,
        income_missing=rng.random(n) < MISSING_INCOME_RATE,
        **life,
    )


def _gender_text(rng: np.random.Generator, gender: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """Canonical gender, or one of its dirty spellings where `variant` is set."""
    text = np.asarray(c.GENDERS)[gender].astype("U16")
    for g, spellings in enumerate(c.GENDER_VARIANTS):
        rows = variant & (gender == g)
        text[rows] = choose(rng, spellings, int(rows.sum()))
    return text


def render_customers(
    cust: Customers, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """customers.csv rows (contract order); with an `rng`, dirt is injected and counted."""
    n = len(cust)
    counts: Counter[str] = Counter()
    birth = cust.birth_year.copy()
    income = cust.income_cents.copy()
    gender = np.asarray(c.GENDERS)[cust.gender]
    dirty_row = np.zeros(n, dtype=bool)
    if rng is not None:
        value_dirt = bands(
            rng, n, {"birth": IMPOSSIBLE_BIRTH_YEAR_RATE, "income": NEGATIVE_INCOME_RATE}
        )
        bad_birth = value_dirt["birth"] & ~cust.birth_year_missing
        birth[bad_birth] = choose(rng, c.IMPOSSIBLE_BIRTH_YEARS, int(bad_birth.sum()))
        bad_income = value_dirt["income"] & ~cust.income_missing
        income[bad_income] = -income[bad_income] - 100
        gender_variant = pick(rng, n, GENDER_VARIANT_RATE)
        gender = _gender_text(rng, cust.gender, gender_variant)
        dirty_row = bad_birth | bad_income | gender_variant
        counts["impossible_birth_year_customers"] = int(bad_birth.sum())
        counts["negative_annual_income_customers"] = int(bad_income.sum())
        counts["gender_variant_customers"] = int(gender_variant.sum())
    columns: Columns = {
        "customer_id": format_ids("C", cust.number, ctx.customer_id_width),
        "signup_date": np.where(cust.signup_missing, "", ctx.window.format_dates(cust.signup_day)),
        "birth_year": format_ints(birth, missing=cust.birth_year_missing),
        "gender": gender,
        "annual_income": format_cents(income, missing=cust.income_missing),
        "education": np.asarray(c.EDUCATION)[cust.education],
        "marital_status": np.asarray(c.MARITAL_STATUS)[cust.marital],
        "country": np.asarray([name for name, *_ in c.COUNTRIES])[cust.country],
        "city": cust.city,
    }
    if rng is not None:
        duplicates = np.flatnonzero(pick(rng, n, DUPLICATE_ROW_RATE, ~dirty_row))
        columns = with_copies(columns, duplicates)
        counts["duplicate_customer_rows"] = len(duplicates)
    counts["missing_signup_date_customers"] = int(cust.signup_missing.sum())
    counts["missing_birth_year_customers"] = int(cust.birth_year_missing.sum())
    counts["missing_annual_income_customers"] = int(cust.income_missing.sum())
    return columns, counts


def render_truth(cust: Customers, ctx: Context) -> Columns:
    """The answer key: true type per customer, one row each (never read by the warehouse)."""
    return {
        "customer_id": format_ids("C", cust.number, ctx.customer_id_width),
        "true_type": np.asarray(TYPE_NAMES)[cust.type],
    }
