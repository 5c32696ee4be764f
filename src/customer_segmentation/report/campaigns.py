"""The report's campaign section: each planned campaign, where its measurement stands, and its
lift per segment (`campaigns`, `campaign_lift`). No plan gives `[]`, which the template
explains; it is not a gap in the data."""

from __future__ import annotations

from typing import Any

from customer_segmentation.report.records import _records
from customer_segmentation.warehouse import NoData, Warehouse

CAMPAIGN_COLUMNS = [
    "campaign_id",
    "target_segment_names",
    "planned_send_date",
    "control_share",
    "segment_snapshot_date",
    "treatment_customer_count",
    "control_customer_count",
    "control_sent_count",
    "window_start_date",
    "window_end_date",
    "campaign_status",
]
LIFT_COLUMNS = [
    "campaign_id",
    "segment_id",
    "segment_name",
    "lift_status",
    "treatment_customer_count",
    "control_customer_count",
    "treatment_conversion_rate",
    "control_conversion_rate",
    "conversion_lift",
    "conversion_lift_lower",
    "conversion_lift_upper",
    "conversion_minimum_detectable_lift",
    "revenue_lift_per_customer",
    "revenue_lift_per_customer_lower",
    "revenue_lift_per_customer_upper",
    "is_significant",
]
# What each status means to a reader of the report.
STATUS_WORDS = {
    "measured": "measured: the conversion window has closed",
    "window_open": "window still open: figures so far, no verdict yet",
    "not_sent": "not sent yet: no send carries this campaign id",
    "no_control_group": "not measurable: nobody was held out",
    "no_segment_snapshot": "no segment snapshot on or before the planned date: build that date",
    "no_audience": "no customer of the snapshot is in the target segments",
}


def _campaigns(warehouse: Warehouse) -> list[dict[str, Any]]:
    if not warehouse.has("campaigns", CAMPAIGN_COLUMNS):
        raise NoData("table campaigns is not in this warehouse")
    try:
        plans = _records(warehouse.table("campaigns", CAMPAIGN_COLUMNS, "campaign_id"))
    except NoData:
        return []  # nothing planned
    try:
        lift = _records(warehouse.table("campaign_lift", LIFT_COLUMNS, "campaign_id, segment_id"))
    except NoData:
        lift = []
    return [
        {
            **plan,
            "status_words": STATUS_WORDS.get(plan["campaign_status"], plan["campaign_status"]),
            "segments": [row for row in lift if row["campaign_id"] == plan["campaign_id"]],
        }
        for plan in plans
    ]
