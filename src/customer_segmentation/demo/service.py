"""Service and satisfaction signals of one chunk: support tickets, NPS surveys, reviews.

These carry the 'unhappy' signal that distinguishes at_risk customers (many tickets, low
CSAT, detractor NPS, poor ratings) from customers who merely buy rarely.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .catalog import PRODUCT_ID_WIDTH
from .contract import TICKET_CATEGORIES
from .customers import Customers
from .dirt import Columns, break_customer_refs, out_of_range
from .draws import cumulative, param, sample_rows
from .profiles import AT_RISK
from .settings import Context
from .tables import Table, chronological, owners
from .text import format_ids, format_ints, lookup
from .timeline import OFFICE_HOURS, SECONDS_PER_DAY, SHOPPING_HOURS, times_in_days, uniform_ints

STILL_OPEN_RATE = 0.04
CSAT_RESPONSE_RATE = 0.65
NPS_NOISE_RATE = 0.04
SURVEY_DELAY_DAYS = 7
REVIEW_DELAY_DAYS = (3, 40)
RETURNED_RATING_PENALTY = 2

OUT_OF_RANGE_RATE = 0.005
UNKNOWN_CUSTOMER_RATE = 0.002
EMPTY_CUSTOMER_RATE = 0.002


def _break_refs(
    rng: np.random.Generator,
    customer: np.ndarray,
    ctx: Context,
    counts: Counter[str],
    file: str,
    eligible: np.ndarray,
) -> np.ndarray:
    customer, unknown, empty = break_customer_refs(
        rng, customer, ctx.total_customers, UNKNOWN_CUSTOMER_RATE, EMPTY_CUSTOMER_RATE, eligible
    )
    counts[f"unknown_customer_{file}"] = unknown
    counts[f"empty_customer_{file}"] = empty
    return customer


def draw_tickets(rng: np.random.Generator, cust: Customers, ctx: Context) -> Table:
    """Support tickets; at_risk customers' tickets cluster around the time they stopped buying."""
    owner = owners(rng.poisson(param("tickets_mean")[cust.type]))
    types = cust.type[owner]
    churn = cust.order_hi[owner]
    at_risk = types == AT_RISK
    lo = np.where(at_risk, np.maximum(cust.signup_day[owner], churn - 120), cust.signup_day[owner])
    hi = np.where(at_risk, np.minimum(churn + 60, ctx.window.days - 1), cust.active_hi[owner])
    opened = times_in_days(rng, lo, hi, OFFICE_HOURS)
    hours = rng.lognormal(np.log(param("resolution_median_hours")[types]), 0.9)
    resolved = opened + 600 + (hours * 3600).astype(np.int64)
    still_open = (rng.random(len(owner)) < STILL_OPEN_RATE) | (resolved >= ctx.window.seconds)
    answered = ~still_open & (rng.random(len(owner)) < CSAT_RESPONSE_RATE)
    return {
        "customer": cust.number[owner],
        "secs": opened,
        "resolved": np.where(still_open, -1, resolved),
        "category": sample_rows(rng, cumulative("ticket_category_probs"), types),
        "csat": np.where(answered, 1 + sample_rows(rng, cumulative("csat_probs"), types), -1),
    }


def render_tickets(
    table: Table, first_id: int, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """support_tickets.csv rows in time order; with an `rng`, dirt is injected and counted."""
    table = chronological(table)
    n = len(table["secs"])
    counts: Counter[str] = Counter()
    customer, csat = table["customer"], table["csat"]
    if rng is not None:
        csat, bad = out_of_range(rng, csat, OUT_OF_RANGE_RATE, (0, 9))
        counts["out_of_range_csat_support_tickets"] = int(bad.sum())
        customer = _break_refs(rng, customer, ctx, counts, "support_tickets", ~bad)
    resolved = table["resolved"]
    open_ = resolved < 0
    counts["open_support_tickets"] = int(open_.sum())
    columns: Columns = {
        "ticket_id": format_ids("T", first_id + np.arange(n), ctx.id_width(8, 3)),
        "customer_id": format_ids("C", customer, ctx.customer_id_width),
        "opened_at": ctx.window.format_timestamps(table["secs"]),
        "resolved_at": np.where(open_, "", ctx.window.format_timestamps(np.maximum(resolved, 0))),
        "category": lookup(TICKET_CATEGORIES, table["category"]),
        "csat_score": format_ints(csat, missing=csat == -1),
    }
    return columns, counts


def draw_surveys(rng: np.random.Generator, cust: Customers, ctx: Context) -> Table:
    """NPS responses in the customer's active period, scored in the type's typical band."""
    owner = owners(rng.poisson(param("surveys_mean")[cust.type]))
    types = cust.type[owner]
    hi = cust.active_hi[owner]
    lo = np.minimum(cust.signup_day[owner] + SURVEY_DELAY_DAYS, hi)
    band = param("nps_range")[types].astype(np.int64)
    score = uniform_ints(rng, band[:, 0], band[:, 1])
    noise = rng.random(len(owner)) < NPS_NOISE_RATE
    score = np.where(noise, rng.integers(0, 11, len(owner)), score)
    return {
        "customer": cust.number[owner],
        "secs": times_in_days(rng, lo, hi, SHOPPING_HOURS),
        "score": score,
    }


def render_surveys(
    table: Table, first_id: int, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """survey_responses.csv rows in time order; with an `rng`, dirt is injected and counted."""
    table = chronological(table)
    n = len(table["secs"])
    counts: Counter[str] = Counter()
    customer, score = table["customer"], table["score"]
    if rng is not None:
        score, bad = out_of_range(rng, score, OUT_OF_RANGE_RATE, (11, -1))
        counts["out_of_range_nps_survey_responses"] = int(bad.sum())
        customer = _break_refs(rng, customer, ctx, counts, "survey_responses", ~bad)
    columns: Columns = {
        "response_id": format_ids("SR", first_id + np.arange(n), ctx.id_width(8, 3)),
        "customer_id": format_ids("C", customer, ctx.customer_id_width),
        "responded_at": ctx.window.format_timestamps(table["secs"]),
        "nps_score": format_ints(score),
    }
    return columns, counts


def draw_reviews(
    rng: np.random.Generator, orders: Table, lines: Table, returned: np.ndarray, ctx: Context
) -> Table:
    """Reviews of purchased lines, a few weeks later; returned items get worse ratings."""
    o = lines["order"]
    types = orders["ctype"][o]
    chance = np.where(types >= 0, param("review_prob")[np.maximum(types, 0)], 0.0)
    chosen = (rng.random(len(o)) < chance) & (lines["quantity"] > 0)
    rows = np.flatnonzero(chosen)
    delay = uniform_ints(
        rng, np.full(len(rows), REVIEW_DELAY_DAYS[0]), np.full(len(rows), REVIEW_DELAY_DAYS[1])
    )
    secs = orders["secs"][o[rows]] + delay * SECONDS_PER_DAY
    band = param("rating_range")[types[rows]].astype(np.int64)
    rating = uniform_ints(rng, band[:, 0], band[:, 1])
    rating = np.where(returned[rows], np.maximum(rating - RETURNED_RATING_PENALTY, 1), rating)
    inside = secs < ctx.window.seconds
    return {
        "customer": orders["customer"][o[rows]][inside],
        "secs": secs[inside],
        "product": lines["product"][rows][inside],
        "rating": rating[inside],
    }


def render_reviews(
    table: Table, first_id: int, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """product_reviews.csv rows in time order; with an `rng`, dirt is injected and counted."""
    table = chronological(table)
    n = len(table["secs"])
    counts: Counter[str] = Counter()
    customer, rating = table["customer"], table["rating"]
    if rng is not None:
        rating, bad = out_of_range(rng, rating, OUT_OF_RANGE_RATE, (0, 6))
        counts["out_of_range_rating_product_reviews"] = int(bad.sum())
        customer = _break_refs(rng, customer, ctx, counts, "product_reviews", ~bad)
    columns: Columns = {
        "review_id": format_ids("PR", first_id + np.arange(n), ctx.id_width(9, 3)),
        "customer_id": format_ids("C", customer, ctx.customer_id_width),
        "product_id": format_ids("P", table["product"] + 1, PRODUCT_ID_WIDTH),
        "reviewed_at": ctx.window.format_timestamps(table["secs"]),
        "rating": format_ints(rating),
    }
    return columns, counts
