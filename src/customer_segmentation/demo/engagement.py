"""Digital engagement of one chunk: web sessions and marketing events.

Sessions and email behaviour separate the engaged types (champions, bargain hunters) from
the fading ones (at_risk, dormant) independently of purchases, which is what lets a
clustering tell a dormant customer from a new one with the same single order.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from . import contract as c
from .customers import Customers
from .dirt import Columns, bands, break_customer_refs, choose, pick
from .draws import cumulative, param, sample_fixed, sample_rows
from .settings import Context
from .tables import Table, chronological, concat, owners
from .text import format_ids, format_ints, lookup
from .timeline import SECONDS_PER_DAY, SHOPPING_HOURS, times_in_days

MAX_SESSION_SECONDS = 4 * 3600
EMAIL_TARGET_RATE = 0.30  # share of eligible customers each monthly email goes to
SMS_TARGET_RATE = 0.06
PUSH_TARGET_RATE = 0.08
CAMPAIGN_DAY_OF_MONTH = 2  # campaigns go out on the 3rd (or the window's first day)
CAMPAIGN_HOUR = {c.EMAIL: 10, c.SMS: 12, c.PUSH: 18}
SOCIAL_EVENT_PROBS = (0.60, 0.25, 0.15)  # liked, shared, commented

NEGATIVE_DURATION_RATE = 0.001
SESSION_UNKNOWN_CUSTOMER_RATE = 0.001
SESSION_EMPTY_CUSTOMER_RATE = 0.0005
INVALID_EVENT_TYPE_RATE = 0.0005
INVALID_MARKETING_CHANNEL_RATE = 0.0005
EVENT_UNKNOWN_CUSTOMER_RATE = 0.0005
EVENT_EMPTY_CUSTOMER_RATE = 0.0005


def draw_sessions(rng: np.random.Generator, cust: Customers, ctx: Context) -> Table:
    """Web sessions, mostly inside each customer's active period."""
    count = rng.poisson(param("sessions_mean")[cust.type])
    owner = owners(count)
    types = cust.type[owner]
    leak = rng.random(len(owner)) < param("session_leak")[types]
    hi = np.where(leak, ctx.window.days - 1, cust.active_hi[owner])
    secs = times_in_days(rng, cust.signup_day[owner], hi, SHOPPING_HOURS)
    median = param("session_median_seconds")[types]
    duration = np.clip(np.round(rng.lognormal(np.log(median), 0.8)), 5, MAX_SESSION_SECONDS)
    duration = duration.astype(np.int64)
    return {
        "customer": cust.number[owner],
        "secs": secs,
        "duration": duration,
        "page_views": 1 + rng.poisson(duration / 90.0),
        "device": sample_rows(rng, cumulative("device_probs"), types),
    }


def render_sessions(
    table: Table, first_id: int, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """web_sessions.csv rows in time order; with an `rng`, dirt is injected and counted."""
    table = chronological(table)
    n = len(table["secs"])
    counts: Counter[str] = Counter()
    customer, duration = table["customer"], table["duration"]
    if rng is not None:
        negative = pick(rng, n, NEGATIVE_DURATION_RATE)
        duration = np.where(negative, -duration, duration)
        customer, unknown, empty = break_customer_refs(
            rng,
            customer,
            ctx.total_customers,
            SESSION_UNKNOWN_CUSTOMER_RATE,
            SESSION_EMPTY_CUSTOMER_RATE,
            eligible=~negative,
        )
        counts["negative_duration_web_sessions"] = int(negative.sum())
        counts["unknown_customer_web_sessions"] = unknown
        counts["empty_customer_web_sessions"] = empty
    columns: Columns = {
        "session_id": format_ids("S", first_id + np.arange(n), ctx.id_width(10, 4)),
        "customer_id": format_ids("C", customer, ctx.customer_id_width),
        "started_at": ctx.window.format_timestamps(table["secs"]),
        "duration_seconds": format_ints(duration),
        "page_views": format_ints(table["page_views"]),
        "device": lookup(c.DEVICES, table["device"]),
    }
    return columns, counts


def _campaign_secs(ctx: Context, channel: int) -> np.ndarray:
    """Send time of each monthly campaign on one channel."""
    day = np.minimum(ctx.window.month_first_day + CAMPAIGN_DAY_OF_MONTH, ctx.window.days - 1)
    return day * SECONDS_PER_DAY + CAMPAIGN_HOUR[channel] * 3600


def _events(
    customer: np.ndarray,
    secs: np.ndarray,
    month: np.ndarray,
    channel: int,
    event: int | np.ndarray,
) -> Table:
    """Marketing event rows of one channel; `event` is one type or one per row."""
    n = len(secs)
    return {
        "customer": customer,
        "secs": secs,
        "month": month,
        "channel": np.full(n, channel, dtype=np.int64),
        "event": np.full(n, event, dtype=np.int64) if np.ndim(event) == 0 else event,
    }


def _delayed(rng: np.random.Generator, secs: np.ndarray, mean_seconds: float) -> np.ndarray:
    """A reaction some exponentially distributed time (at least a second) after `secs`."""
    return secs + 1 + rng.exponential(mean_seconds, len(secs)).astype(np.int64)


def _recipients(
    rng: np.random.Generator, cust: Customers, send_secs: np.ndarray, rate: float
) -> np.ndarray:
    """(customers, months) mask of who gets each monthly message: a random share of those
    signed up by then (marketing targets everyone, engaged or not)."""
    eligible = send_secs[None, :] // SECONDS_PER_DAY > cust.signup_day[:, None]
    return eligible & (rng.random(eligible.shape) < rate)


def _email_events(rng: np.random.Generator, cust: Customers, ctx: Context) -> list[Table]:
    """Monthly newsletters with a sent -> opened -> clicked -> converted funnel.

    Unsubscribing is a per-email hazard; once it happens no further emails are sent.
    """
    send_secs = _campaign_secs(ctx, c.EMAIL)
    targeted = _recipients(rng, cust, send_secs, EMAIL_TARGET_RATE)
    hazard = param("unsubscribe_hazard")[cust.type][:, None]
    unsubscribes = targeted & (rng.random(targeted.shape) < hazard)
    received = targeted & (np.cumsum(unsubscribes, axis=1) - unsubscribes == 0)
    rows, month = np.nonzero(received)
    types = cust.type[rows]
    who = cust.number[rows]
    sent = send_secs[month] + rng.integers(0, 7200, len(rows))
    opened = rng.random(len(rows)) < param("email_open")[types]
    clicked = opened & (rng.random(len(rows)) < param("email_click")[types])
    converted = clicked & (rng.random(len(rows)) < param("email_convert")[types])
    unsubscribed = unsubscribes[rows, month]
    open_at = _delayed(rng, sent, 6 * 3600)
    click_at = _delayed(rng, open_at, 15 * 60)
    convert_at = _delayed(rng, click_at, 40 * 60)
    unsub_at = _delayed(rng, sent, 10 * 3600)
    return [
        _events(who, sent, month, c.EMAIL, c.SENT),
        _events(who[opened], open_at[opened], month[opened], c.EMAIL, c.OPENED),
        _events(who[clicked], click_at[clicked], month[clicked], c.EMAIL, c.CLICKED),
        _events(who[converted], convert_at[converted], month[converted], c.EMAIL, c.CONVERTED),
        _events(
            who[unsubscribed], unsub_at[unsubscribed], month[unsubscribed], c.EMAIL, c.UNSUBSCRIBED
        ),
    ]


def _short_message_events(
    rng: np.random.Generator, cust: Customers, ctx: Context, channel: int
) -> list[Table]:
    """SMS (sent -> clicked) or push (sent -> opened) campaigns, smaller and monthly."""
    rate, follow_up, field = {
        c.SMS: (SMS_TARGET_RATE, c.CLICKED, "sms_click"),
        c.PUSH: (PUSH_TARGET_RATE, c.OPENED, "push_open"),
    }[channel]
    send_secs = _campaign_secs(ctx, channel)
    rows, month = np.nonzero(_recipients(rng, cust, send_secs, rate))
    who = cust.number[rows]
    sent = send_secs[month] + rng.integers(0, 1800, len(rows))
    reacted = rng.random(len(rows)) < param(field)[cust.type[rows]]
    react_at = _delayed(rng, sent, 2 * 3600)
    return [
        _events(who, sent, month, channel, c.SENT),
        _events(who[reacted], react_at[reacted], month[reacted], channel, follow_up),
    ]


def _social_events(rng: np.random.Generator, cust: Customers, ctx: Context) -> list[Table]:
    """Likes, shares and comments on the month's social campaign while active."""
    owner = owners(rng.poisson(param("social_mean")[cust.type]))
    secs = times_in_days(rng, cust.signup_day[owner], cust.active_hi[owner])
    month = ctx.window.month_of_day[secs // SECONDS_PER_DAY]
    event = c.LIKED + sample_fixed(rng, SOCIAL_EVENT_PROBS, len(owner))
    return [_events(cust.number[owner], secs, month, c.SOCIAL, event)]


def draw_marketing(rng: np.random.Generator, cust: Customers, ctx: Context) -> Table:
    """All marketing events of the chunk's customers that happened inside the window."""
    parts = (
        _email_events(rng, cust, ctx)
        + _short_message_events(rng, cust, ctx, c.SMS)
        + _short_message_events(rng, cust, ctx, c.PUSH)
        + _social_events(rng, cust, ctx)
    )
    table = concat(parts)
    inside = table["secs"] < ctx.window.seconds
    return {k: v[inside] for k, v in table.items()}


def _campaign_ids(ctx: Context, month: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """`CMP-2023-05-EMAIL`: one campaign per month and channel."""
    labels = np.strings.add("CMP-", ctx.window.month_labels)
    suffixes = np.strings.add("-", np.strings.upper(np.asarray(c.MARKETING_CHANNELS)))
    table = np.strings.add(labels[:, None], suffixes[None, :])
    return table[month, channel]


def render_marketing(
    table: Table, first_id: int, ctx: Context, rng: np.random.Generator | None
) -> tuple[Columns, Counter[str]]:
    """marketing_events.csv rows in time order; with an `rng`, dirt is injected and counted."""
    table = chronological(table)
    n = len(table["secs"])
    counts: Counter[str] = Counter()
    customer = table["customer"]
    channel = lookup(c.MARKETING_CHANNELS, table["channel"]).astype("U16")
    event = lookup(c.EVENT_TYPES, table["event"]).astype("U16")
    if rng is not None:
        masks = bands(
            rng,
            n,
            {"event": INVALID_EVENT_TYPE_RATE, "channel": INVALID_MARKETING_CHANNEL_RATE},
        )
        event[masks["event"]] = choose(rng, c.INVALID_EVENT_TYPES, int(masks["event"].sum()))
        channel[masks["channel"]] = choose(
            rng, c.INVALID_MARKETING_CHANNELS, int(masks["channel"].sum())
        )
        customer, unknown, empty = break_customer_refs(
            rng,
            customer,
            ctx.total_customers,
            EVENT_UNKNOWN_CUSTOMER_RATE,
            EVENT_EMPTY_CUSTOMER_RATE,
            eligible=~(masks["event"] | masks["channel"]),
        )
        counts["invalid_event_type_marketing_events"] = int(masks["event"].sum())
        counts["invalid_channel_marketing_events"] = int(masks["channel"].sum())
        counts["unknown_customer_marketing_events"] = unknown
        counts["empty_customer_marketing_events"] = empty
    columns: Columns = {
        "event_id": format_ids("E", first_id + np.arange(n), ctx.id_width(10, 4)),
        "customer_id": format_ids("C", customer, ctx.customer_id_width),
        "campaign_id": _campaign_ids(ctx, table["month"], table["channel"]),
        "channel": channel,
        "event_type": event,
        "occurred_at": ctx.window.format_timestamps(table["secs"]),
    }
    return columns, counts
