"""Everything the segment report says, read from the warehouse into plain dicts and lists
that the templates lay out. A part whose table is absent or empty becomes `None` (the
template says "not available" and why), never an error: a data set without, say, marketing
events still gets a report."""

from __future__ import annotations

from typing import Any

import pandas as pd

from customer_segmentation.plots import SECTIONS, FigureManifest
from customer_segmentation.report.campaigns import _campaigns
from customer_segmentation.report.quality import (
    _clipped_features,
    _clv,
    _dropped_features,
    _k_choice,
    _quality,
    _sufficiency,
    _validation,
)
from customer_segmentation.report.records import _optional, _records
from customer_segmentation.warehouse import Warehouse

# Mix values shown as over- or under-represented in a segment's words: at least this share of
# the segment or the population, and this far from the population (index).
MIX_MIN_SHARE = 0.05
MIX_OVER_INDEX = 1.25
MIX_DIMENSION_WORDS = {"age_band": "age band", "income_band": "income band"}
PROFILE_COLUMNS = [
    "segment_id",
    "segment_name",
    "segment_archetype",
    "segment_colour",
    "customer_count",
    "customer_share",
    "revenue_share",
    "median_recency_days",
    "median_order_count",
    "median_monetary_amount",
    "avg_order_value_amount",
    "avg_email_open_rate",
    "avg_nps_score",
    "most_common_age_band",
    "most_common_income_band",
    "most_common_gender",
    "top_channel",
    "top_category",
    "top_distinguishing_features",
]
RECOMMENDATION_COLUMNS = [
    "segment_id",
    "objective",
    "recommended_action",
    "channel",
    "offer_type",
    "product_focus",
    "kpi_to_watch",
    "target_direction",
    "recommendation_summary",
]


def _mix_words(mix: pd.DataFrame, segment_id: int) -> list[str]:
    """'over-represented: 55-64 (31% vs 20% of all)' per demographic dimension."""
    own = mix[mix.segment_id == segment_id]
    words = []
    for dimension, label in MIX_DIMENSION_WORDS.items():
        rows = own[(own.mix_dimension == dimension) & (own.mix_value != "unknown")]
        over = rows[
            (rows.index_to_population >= MIX_OVER_INDEX) & (rows.segment_share >= MIX_MIN_SHARE)
        ].sort_values(["index_to_population", "mix_value"], ascending=[False, True])
        if over.empty:
            words.append(f"{label}: close to all customers")
            continue
        parts = [
            f"{r.mix_value} ({100 * r.segment_share:.0f}% vs {100 * r.population_share:.0f}%)"
            for r in over.itertuples()
        ]
        words.append(f"{label}: more {', '.join(parts)} than all customers")
    return words


def _segments(
    warehouse: Warehouse, validation: dict[str, Any] | None, missing: list[str]
) -> list[dict[str, Any]]:
    profiles = _records(warehouse.table("segment_profiles", PROFILE_COLUMNS, "segment_id"))
    recommendations = _optional(
        lambda: {
            int(r["segment_id"]): r
            for r in _records(warehouse.table("segment_recommendations", RECOMMENDATION_COLUMNS))
        },
        missing,
        "recommendations",
    )
    rules = _optional(
        lambda: {
            int(r["segment_id"]): r
            for r in _records(
                warehouse.query(
                    "select segment_id, rule_text, sql_predicate, rule_precision, segment_recall "
                    "from segment_rules where rule_scope = 'segment'",
                    {
                        "segment_rules": [
                            "segment_id",
                            "rule_scope",
                            "rule_text",
                            "sql_predicate",
                            "rule_precision",
                            "segment_recall",
                        ]
                    },
                )
            )
        },
        missing,
        "segment rules",
    )
    mix = _optional(
        lambda: warehouse.table(
            "segment_mix",
            [
                "segment_id",
                "mix_dimension",
                "mix_value",
                "segment_share",
                "population_share",
                "index_to_population",
            ],
        ),
        missing,
        "demographic mix",
    )
    segments = []
    for profile in profiles:
        segment_id = int(profile["segment_id"])
        features = str(profile.get("top_distinguishing_features") or "")
        segments.append(
            {
                **profile,
                "distinguishing_features": [f.strip() for f in features.split(";") if f.strip()],
                "mix_words": _mix_words(mix, segment_id) if mix is not None else [],
                "rule": (rules or {}).get(segment_id),
                "recommendation": (recommendations or {}).get(segment_id),
                "validation": (validation or {}).get("by_segment", {}).get(segment_id),
            }
        )
    return segments


def build_context(
    warehouse: Warehouse, manifest: FigureManifest, figures: dict[str, dict[str, Any]], dataset: str
) -> dict[str, Any]:
    """The template's context. `figures` maps a figure file to its manifest entry plus what
    the template needs to show it (`src`)."""
    identity = warehouse.identity()
    missing: list[str] = []
    validation = _optional(lambda: _validation(warehouse), missing, "validation")
    segments = _optional(lambda: _segments(warehouse, validation, missing), missing, "segments")
    by_section: dict[str, list[dict[str, Any]]] = {section: [] for section in SECTIONS}
    per_segment: dict[int, list[dict[str, Any]]] = {}
    for entry in figures.values():
        if entry["segment_id"] is None:
            by_section[entry["section"]].append(entry)
        else:
            per_segment.setdefault(int(entry["segment_id"]), []).append(entry)
    for segment in segments or []:
        segment["figures"] = per_segment.get(int(segment["segment_id"]), [])
    return {
        "dataset": dataset,
        "as_of_date": identity.as_of_date,
        "data_fingerprint": identity.data_fingerprint,
        "build_id": identity.build_id,
        "scored_customer_count": identity.scored_customer_count,
        "quality": _optional(lambda: _quality(warehouse), missing, "data quality"),
        "k_choice": _optional(lambda: _k_choice(warehouse), missing, "k selection"),
        "validation": validation,
        "segments": segments,
        "sufficiency": _optional(lambda: _sufficiency(warehouse), missing, "minimum-data gates"),
        "dropped_features": _dropped_features(warehouse),
        "clipped_features": _clipped_features(warehouse),
        "clv": _optional(lambda: _clv(warehouse), missing, "predicted value"),
        "campaigns": _optional(lambda: _campaigns(warehouse), missing, "campaigns"),
        "figures": by_section,
        "sections": SECTIONS,
        "no_data_figures": [f for f in manifest.figures if not f.has_data],
        "missing": missing,
    }
