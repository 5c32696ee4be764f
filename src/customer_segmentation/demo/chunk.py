"""Generating every file's rows for one chunk of customers.

Each chunk gets its own `SeedSequence` child, and inside the chunk every entity gets its
own stream, so (a) output depends only on the arguments and (b) switching dirt off
changes only the dirt: the same seed yields the same customers, purchases and events
either way (only order ids shift, because guest orders share the numbering).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from . import contract as c
from .customers import draw_customers, render_customers, render_truth
from .dirt import Columns
from .engagement import draw_marketing, draw_sessions, render_marketing, render_sessions
from .order_lines import render_order_lines
from .orders import (
    assign_numbers,
    combine,
    draw_guest_orders,
    draw_returns,
    draw_sales,
    in_id_order,
)
from .service import (
    draw_reviews,
    draw_surveys,
    draw_tickets,
    render_reviews,
    render_surveys,
    render_tickets,
)
from .settings import Context
from .tables import Table

Renderer = Callable[[Table, int, Context, np.random.Generator | None], tuple[Columns, Counter[str]]]

STREAMS = (
    "customers",
    "orders",
    "returns",
    "guests",
    "sessions",
    "marketing",
    "tickets",
    "surveys",
    "reviews",
    "dirt_customers",
    "dirt_orders",
    "dirt_sessions",
    "dirt_marketing",
    "dirt_tickets",
    "dirt_surveys",
    "dirt_reviews",
)


@dataclass
class IdCounters:
    """Next free number of each id family; ids keep counting across chunks."""

    order: int = 1
    return_order: int = 1
    session: int = 1
    event: int = 1
    ticket: int = 1
    response: int = 1
    review: int = 1

    def take(self, family: str, count: int) -> int:
        """Reserve `count` consecutive numbers and return the first."""
        first = getattr(self, family)
        setattr(self, family, first + count)
        return first


TRUTH = "truth"


def chunk_files(
    seed: np.random.SeedSequence,
    first_customer: int,
    n: int,
    ctx: Context,
    ids: IdCounters,
    counts: Counter[str],
) -> Iterator[tuple[str, Columns]]:
    """Rows of every file for customers `first_customer .. first_customer + n - 1`.

    Yields one file at a time (`TRUTH` for the answer key) so the caller can write and
    free it before the next is built; dirt and info counts are added to `counts`.
    """
    streams = seed.spawn(len(STREAMS))
    rng = {name: np.random.default_rng(s) for name, s in zip(STREAMS, streams, strict=True)}

    def dirt(name: str) -> np.random.Generator | None:
        return rng[f"dirt_{name}"] if ctx.dirty else None

    def counted(result: tuple[Columns, Counter[str]]) -> Columns:
        counts.update(result[1])
        return result[0]

    cust = draw_customers(rng["customers"], first_customer, n, ctx)
    yield TRUTH, render_truth(cust, ctx)
    yield c.CUSTOMERS, counted(render_customers(cust, ctx, dirt("customers")))

    sales = draw_sales(rng["orders"], cust, ctx)
    ret_orders, ret_lines, returned = draw_returns(rng["returns"], *sales, ctx)
    reviews = draw_reviews(rng["reviews"], *sales, returned, ctx)
    purchases = [sales]
    if ctx.dirty:
        purchases.append(draw_guest_orders(rng["guests"], sales[0], ctx))
    buy_orders, buy_lines = combine(*purchases)
    buy_orders["number"] = assign_numbers(buy_orders, ids.take("order", len(buy_orders["secs"])))
    ret_orders["number"] = assign_numbers(
        ret_orders, ids.take("return_order", len(ret_orders["secs"]))
    )
    orders, lines = in_id_order(*combine((buy_orders, buy_lines), (ret_orders, ret_lines)))
    del sales, buy_orders, buy_lines, ret_orders, ret_lines, purchases
    yield c.ORDER_LINES, counted(render_order_lines(orders, lines, ctx, dirt("orders")))
    del orders, lines

    def rendered(table: Table, family: str, render: Renderer, stream: str) -> Columns:
        first_id = ids.take(family, len(table["secs"]))
        return counted(render(table, first_id, ctx, dirt(stream)))

    sessions = draw_sessions(rng["sessions"], cust, ctx)
    yield c.WEB_SESSIONS, rendered(sessions, "session", render_sessions, "sessions")
    marketing = draw_marketing(rng["marketing"], cust, ctx)
    yield c.MARKETING_EVENTS, rendered(marketing, "event", render_marketing, "marketing")
    tickets = draw_tickets(rng["tickets"], cust, ctx)
    yield c.SUPPORT_TICKETS, rendered(tickets, "ticket", render_tickets, "tickets")
    surveys = draw_surveys(rng["surveys"], cust, ctx)
    yield c.SURVEY_RESPONSES, rendered(surveys, "response", render_surveys, "surveys")
    yield c.PRODUCT_REVIEWS, rendered(reviews, "review", render_reviews, "reviews")
