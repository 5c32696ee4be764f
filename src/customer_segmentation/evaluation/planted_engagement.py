"""The optional files of a planted data set: web sessions, marketing, support and feedback.

Browsing, email reactions and social interactions follow each customer's latent activity and
group; support contacts follow the customer's orders. Satisfaction scores (CSAT, NPS, review
ratings) come from one distribution for everyone, so they carry no group signal at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_segmentation.evaluation import planted_io as io
from customer_segmentation.evaluation.planted_orders import Orders
from customer_segmentation.evaluation.planted_world import Population, Timeline

_DEVICES = ("desktop", "mobile", "tablet")
_TICKET_CATEGORIES = ("delivery", "returns", "billing", "product question", "account")
_CSAT_P = (0.07, 0.08, 0.17, 0.33, 0.35)
_NPS_P = (0.03, 0.02, 0.03, 0.04, 0.05, 0.10, 0.08, 0.15, 0.20, 0.15, 0.15)
_RATING_P = (0.05, 0.07, 0.15, 0.33, 0.40)


def _spread(rng: np.random.Generator, counts: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Owner index and uniform times in [lo, hi) for counts[i] events of each customer."""
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, lo[owner] + rng.random(len(owner)) * (hi[owner] - lo[owner])


def _by_time(t: np.ndarray) -> np.ndarray:
    return np.argsort(t, kind="stable")


def web_sessions(rng: np.random.Generator, people: Population, timeline: Timeline) -> pd.DataFrame:
    """Sessions at each customer's browsing rate over their browsing window."""
    years = (people.web_until - people.web_from) / 365.25
    counts = rng.poisson(people.web_rate * years)
    counts = np.where(people.session_override > 0, people.session_override, counts)
    owner, t = _spread(rng, counts, people.web_from, people.web_until)
    t = np.minimum(t, timeline.days - 1e-6)
    duration = np.round(
        people.session_seconds[owner] * np.exp(rng.normal(0.0, 0.7, len(owner)))
    ).astype(np.int64)
    pages = 1 + rng.poisson(duration / 50.0)
    device = np.array(_DEVICES, dtype=object)[rng.choice(3, len(owner), p=(0.45, 0.45, 0.10))]
    device[rng.random(len(owner)) < 0.03] = ""
    order = _by_time(t)
    return pd.DataFrame(
        {
            "session_id": io.numbered("S", np.arange(len(owner)) + 1, 8),
            "customer_id": people.customer_id[owner[order]].astype(object),
            "started_at": io.moments(timeline, t[order]),
            "duration_seconds": duration[order],
            "page_views": pages[order],
            "device": device[order],
        }
    )


def _campaigns(timeline: Timeline, rng: np.random.Generator, every: int, prefix: str):
    """Campaign send days (one every `every` months) and their ids."""
    first = timeline.start.astype("datetime64[M]")
    last = timeline.end.astype("datetime64[M]")
    months = np.arange(first, last + 1, every)
    day = (months.astype("datetime64[D]") - timeline.start).astype(float) + rng.uniform(
        0, 27, len(months)
    )
    keep = (day >= 0) & (day < timeline.days - 1)
    ids = np.array([prefix + str(m).replace("-", "") for m in months], dtype=object)
    return day[keep], ids[keep]


def _sends(rng, eligible_from, eligible_until, campaign_day, share):
    """(customer, campaign) pairs of everyone eligible on the send day, each kept with share."""
    n, c = len(eligible_from), len(campaign_day)
    gets = (campaign_day[None, :] >= eligible_from[:, None]) & (
        campaign_day[None, :] < eligible_until[:, None]
    )
    gets &= rng.random((n, c)) < share.reshape(-1, 1)
    return np.nonzero(gets)


def marketing_events(
    rng: np.random.Generator, people: Population, timeline: Timeline, signup_day: np.ndarray
) -> pd.DataFrame:
    """Email, SMS and push sends with the reactions they got, unsubscribes and social likes."""
    n, days = people.size, float(timeline.days)
    reach_from = np.clip(signup_day.astype(float), 0.0, days - 1)
    unsub_at = np.where(
        people.stopped,
        people.buy_until + rng.uniform(-60, 120, n),
        reach_from + rng.random(n) * (days - reach_from),
    )
    unsub_at = np.clip(unsub_at, reach_from + 1.0, None)
    reach_until = np.where(people.unsubscribes, np.minimum(unsub_at, days), days)
    parts: list[tuple[np.ndarray, np.ndarray, str, str, np.ndarray]] = []

    email_day, email_id = _campaigns(timeline, rng, 1, "EM-")
    who, which = _sends(rng, reach_from, reach_until, email_day, np.full(n, 0.85))
    sent = email_day[which] + rng.uniform(0, 0.4, len(who))
    parts.append((who, email_id[which], "email", "sent", sent))
    opened = rng.random(len(who)) < people.open_p[who]
    open_t = sent[opened] + rng.exponential(0.6, int(opened.sum()))
    parts.append((who[opened], email_id[which[opened]], "email", "opened", open_t))
    clicked = rng.random(len(open_t)) < people.click_p[who[opened]]
    click_who, click_id = who[opened][clicked], email_id[which[opened]][clicked]
    click_t = open_t[clicked] + rng.exponential(0.05, int(clicked.sum()))
    parts.append((click_who, click_id, "email", "clicked", click_t))
    converted = rng.random(len(click_t)) < 0.1 + 0.4 * people.promo_p[click_who]
    parts.append(
        (
            click_who[converted],
            click_id[converted],
            "email",
            "converted",
            click_t[converted] + rng.uniform(0, 0.1, int(converted.sum())),
        )
    )
    quitting = np.flatnonzero(people.unsubscribes & (unsub_at < days))
    no_campaign = np.full(len(quitting), "", dtype=object)
    parts.append((quitting, no_campaign, "email", "unsubscribed", unsub_at[quitting]))

    sms_day, sms_id = _campaigns(timeline, rng, 3, "SM-")
    who, which = _sends(rng, reach_from, reach_until, sms_day, (rng.random(n) < 0.25) * 0.9)
    parts.append((who, sms_id[which], "sms", "sent", sms_day[which]))
    push_day, push_id = _campaigns(timeline, rng, 2, "PU-")
    app_user = (people.channel_p[:, 3] > 0.25) * 0.8
    who, which = _sends(rng, reach_from, np.full(n, days), push_day, app_user)
    push_t = push_day[which] + rng.uniform(0, 0.2, len(who))
    parts.append((who, push_id[which], "push", "sent", push_t))
    seen = rng.random(len(who)) < 0.5 * people.open_p[who]
    parts.append((who[seen], push_id[which[seen]], "push", "opened", push_t[seen] + 0.01))

    social_count = rng.poisson(people.social_rate * (days - reach_from) / 365.25)
    owner, social_t = _spread(rng, social_count, reach_from, np.full(n, days))
    kinds = np.array(["liked", "shared", "commented"], dtype=object)
    social_kind = kinds[rng.choice(3, len(owner), p=(0.7, 0.2, 0.1))]
    month = (timeline.start + np.floor(social_t).astype("timedelta64[D]")).astype("datetime64[M]")
    social_campaign = ("SO-" + np.strings.replace(np.datetime_as_string(month), "-", "")).astype(
        object
    )
    social_campaign[rng.random(len(owner)) < 0.5] = ""

    who = np.concatenate([p[0] for p in parts] + [owner])
    campaign = np.concatenate([np.asarray(p[1], dtype=object) for p in parts] + [social_campaign])
    channel = np.concatenate([np.full(len(p[0]), p[2], dtype=object) for p in parts])
    channel = np.concatenate([channel, np.full(len(owner), "social", dtype=object)])
    event_type = np.concatenate([np.full(len(p[0]), p[3], dtype=object) for p in parts])
    event_type = np.concatenate([event_type, social_kind])
    t = np.concatenate([p[4] for p in parts] + [social_t])
    keep = np.flatnonzero(t < days)
    keep = keep[_by_time(t[keep])]
    return pd.DataFrame(
        {
            "event_id": io.numbered("E", np.arange(len(keep)) + 1, 8),
            "customer_id": people.customer_id[who[keep]].astype(object),
            "campaign_id": campaign[keep],
            "channel": channel[keep],
            "event_type": event_type[keep],
            "occurred_at": io.moments(timeline, t[keep]),
        }
    )


def support_tickets(
    rng: np.random.Generator, people: Population, orders: Orders, timeline: Timeline
) -> pd.DataFrame:
    """Tickets about random orders of the customer, at the customer's contact rate."""
    counts = rng.poisson(people.ticket_rate * orders.orders_per_customer)
    owner = np.repeat(np.arange(people.size), counts)
    # Orders are stored customer by customer, so a customer's orders are one block.
    block_start = np.cumsum(orders.orders_per_customer) - orders.orders_per_customer
    about = block_start[owner] + np.floor(
        rng.random(len(owner)) * orders.orders_per_customer[owner]
    ).astype(np.int64)
    opened = orders.order_time[about] + rng.exponential(4.0, len(owner))
    resolved = opened + rng.gamma(1.5, 1.0, len(owner))
    category = np.array(_TICKET_CATEGORIES, dtype=object)[
        rng.choice(len(_TICKET_CATEGORIES), len(owner), p=(0.3, 0.2, 0.15, 0.25, 0.1))
    ]
    csat = pd.array(rng.choice(5, len(owner), p=_CSAT_P) + 1, dtype="Int64")
    csat[rng.random(len(owner)) < 0.3] = pd.NA
    keep = np.flatnonzero(opened < timeline.days)
    keep = keep[_by_time(opened[keep])]
    resolved_at = io.moments(timeline, resolved[keep])
    # Still open: no resolution yet.
    resolved_at[rng.random(len(keep)) < 0.06] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "ticket_id": io.numbered("T", np.arange(len(keep)) + 1),
            "customer_id": people.customer_id[owner[keep]].astype(object),
            "opened_at": io.moments(timeline, opened[keep]),
            "resolved_at": resolved_at,
            "category": category[keep],
            "csat_score": csat[keep],
        }
    )


def survey_responses(
    rng: np.random.Generator, people: Population, timeline: Timeline, signup_day: np.ndarray
) -> pd.DataFrame:
    """NPS answers from a random quarter of customers, whatever their group."""
    n, days = people.size, float(timeline.days)
    counts = np.where(rng.random(n) < 0.25, 1 + rng.binomial(2, 0.25, n), 0)
    lo = np.clip(signup_day.astype(float), 0.0, days - 1)
    owner, t = _spread(rng, counts, lo, np.full(n, days))
    score = rng.choice(11, len(owner), p=_NPS_P)
    order = _by_time(t)
    return pd.DataFrame(
        {
            "response_id": io.numbered("V", np.arange(len(owner)) + 1),
            "customer_id": people.customer_id[owner[order]].astype(object),
            "responded_at": io.moments(timeline, np.minimum(t[order], days - 1e-6)),
            "nps_score": score[order],
        }
    )


def product_reviews(
    rng: np.random.Generator,
    people: Population,
    orders: Orders,
    product_ids: np.ndarray,
    timeline: Timeline,
) -> pd.DataFrame:
    """Reviews of a few bought products, some weeks after the purchase."""
    line = np.flatnonzero(rng.random(len(orders.line_customer)) < 0.05)
    t = orders.line_time[line] + rng.uniform(3.0, 40.0, len(line))
    line, t = line[t < timeline.days], t[t < timeline.days]
    order = _by_time(t)
    line, t = line[order], t[order]
    return pd.DataFrame(
        {
            "review_id": io.numbered("W", np.arange(len(line)) + 1),
            "customer_id": people.customer_id[orders.line_customer[line]].astype(object),
            "product_id": product_ids[orders.line_product[line]],
            "reviewed_at": io.moments(timeline, t),
            "rating": rng.choice(5, len(line), p=_RATING_P) + 1,
        }
    )
