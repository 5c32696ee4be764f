"""Planted holdout campaigns for the demo (`--campaigns`, off by default): campaigns with a
known effect in some customer types and none in others, so `campaign_lift` can be checked
against an answer key.

Appended to a generated folder after everything else, from a random stream of their own, so
a demo without the flag is byte for byte what it was. Each campaign splits every customer by
the warehouse's own rule (`stable_unit_interval`: the first 32 bits of the MD5 of
`campaign_id:customer_id`, below the control share is control), sends to the treatment group
on the planned day (and, as real sends do, to a few control customers by mistake), and gives
treated customers of some types an extra purchase order in the conversion window.

Written beside the data folder, never inside it (the warehouse must not read the answers):
- `<out>_campaign_plans.csv`: the rows to put in the seed `seeds/campaign_plans.csv`;
- `<out>_campaign_truth.csv`: per campaign and customer, the group, whether the campaign was
  sent, and the planted order and its amount, if any.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from . import contract as c

# The stream the campaigns draw from: independent of the generator's own streams.
CAMPAIGN_STREAM = 18
PLAN_HEADER = (
    "campaign_id",
    "target_segment_names",
    "control_share",
    "planned_send_date",
    "conversion_window_days",
)
TRUTH_HEADER = (
    "campaign_id",
    "customer_id",
    "true_type",
    "campaign_group",
    "was_sent",
    "planted_order_id",
    "planted_amount",
)


@dataclass(frozen=True)
class PlantedCampaign:
    """One campaign: who it targets, how it splits, and its true effect by customer type."""

    campaign_id: str
    control_share: float
    days_before_end: int
    window_days: int
    # Probability that a treated customer of the type gets an extra purchase order in the
    # window because of the campaign; types not listed get none.
    order_uplift: dict[str, float] = field(default_factory=dict)
    # Control customers the send reaches anyway (a list exported too early, a second tool).
    contamination_share: float = 0.02
    channel: str = "email"

    def planned_send_date(self, end: date) -> date:
        return end - timedelta(days=self.days_before_end)


CAMPAIGNS = (
    PlantedCampaign(
        "DEMO-REACTIVATION",
        control_share=0.3,
        days_before_end=61,
        window_days=30,
        order_uplift={"at_risk": 0.3, "bargain_hunter": 0.15},
    ),
    # The default 10% holdout and no effect anywhere: a campaign that only looks busy.
    PlantedCampaign("DEMO-NEWSLETTER", control_share=0.1, days_before_end=61, window_days=30),
)


def plan_path(out_dir: Path) -> Path:
    return out_dir.parent / (out_dir.name + "_campaign_plans.csv")


def truth_path(out_dir: Path) -> Path:
    return out_dir.parent / (out_dir.name + "_campaign_truth.csv")


def assignment_draw(campaign_id: str, customer_id: str) -> float:
    """The warehouse's split (macro stable_unit_interval), recomputed in Python."""
    digest = hashlib.md5(f"{campaign_id}:{customer_id}".encode()).hexdigest()
    return int(digest[:8], 16) / 2**32


def _read_column(path: Path, *columns: str) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [tuple(row[name] for name in columns) for row in csv.DictReader(handle)]


def _priced_products(out_dir: Path) -> list[tuple[str, str]]:
    """(product_id, unit price) for the products whose unit cost is a number."""
    priced = []
    for product_id, unit_cost in _read_column(out_dir / c.PRODUCTS, "product_id", "unit_cost"):
        if not re.fullmatch(r"P[0-9]+", product_id):
            continue  # a dirty id, which staging may reject
        try:
            priced.append((product_id, f"{float(unit_cost) * 2:.2f}"))
        except ValueError:
            continue
    return priced


def _at(day: date, seconds: int) -> str:
    return (datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)).isoformat(
        sep=" "
    )


def plant_campaigns(
    out_dir: str | Path, seed: int, end: date, true_types_path: str | Path
) -> dict[str, Any]:
    """Append the planted campaigns' sends and orders to a generated folder and write the
    plan and the answer key beside it. Returns counts per campaign."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng([seed, CAMPAIGN_STREAM])
    true_types = _read_column(Path(true_types_path), "customer_id", "true_type")
    products = _priced_products(out_dir)
    sends: list[tuple[str, ...]] = []
    order_lines: list[tuple[str, ...]] = []
    truth: list[tuple[str, ...]] = []
    summary: dict[str, Any] = {}
    for campaign in CAMPAIGNS:
        send_day = campaign.planned_send_date(end)
        counts = {"treatment": 0, "control": 0, "sent": 0, "planted_orders": 0}
        for customer_id, true_type in true_types:
            is_control = assignment_draw(campaign.campaign_id, customer_id) < campaign.control_share
            group = "control" if is_control else "treatment"
            # Every draw is made for every customer, so one customer's luck never shifts
            # another's.
            contaminated, send_second, converts, order_day, product = (
                rng.random() < campaign.contamination_share,
                int(rng.integers(10 * 3600, 12 * 3600)),
                rng.random() < campaign.order_uplift.get(true_type, 0.0),
                int(rng.integers(0, campaign.window_days)),
                int(rng.integers(0, len(products))),
            )
            was_sent = not is_control or contaminated
            order_id, amount = "", ""
            if was_sent:
                sends.append(
                    (
                        f"EC{len(sends) + 1:09d}",
                        customer_id,
                        campaign.campaign_id,
                        campaign.channel,
                        "sent",
                        _at(send_day, send_second),
                    )
                )
            if not is_control and converts:
                order_id = f"OC{len(order_lines) + 1:08d}"
                product_id, amount = products[product]
                ordered_at = _at(send_day + timedelta(days=order_day), 13 * 3600)
                order_lines.append(
                    (order_id, "1", customer_id, ordered_at, product_id, "1", amount)
                    + ("USD", "web", "")
                )
            counts[group] += 1
            counts["sent"] += was_sent
            counts["planted_orders"] += bool(order_id)
            truth.append(
                (campaign.campaign_id, customer_id, true_type, group, str(was_sent).lower())
                + (order_id, amount)
            )
        summary[campaign.campaign_id] = counts
    _append(out_dir / c.MARKETING_EVENTS, sends)
    _append(out_dir / c.ORDER_LINES, order_lines)
    _write(plan_path(out_dir), PLAN_HEADER, _plan_rows(end))
    _write(truth_path(out_dir), TRUTH_HEADER, truth)
    return summary


def _plan_rows(end: date) -> list[tuple[str, ...]]:
    return [
        (
            campaign.campaign_id,
            "*",
            str(campaign.control_share),
            campaign.planned_send_date(end).isoformat(),
            str(campaign.window_days),
        )
        for campaign in CAMPAIGNS
    ]


def _append(path: Path, rows: list[tuple[str, ...]]) -> None:
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
