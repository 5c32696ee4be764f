"""Everything the segment report says, read from the warehouse into plain dicts and lists
that the templates lay out. A part whose table is absent or empty becomes `None` (the
template says "not available" and why), never an error: a data set without, say, marketing
events still gets a report."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from customer_segmentation.plots import SECTIONS, FigureManifest
from customer_segmentation.warehouse import NoData, Warehouse

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


def _clean(value: Any) -> Any:
    """None for NaN/NA, plain Python numbers for numpy ones (Jinja formats them alike)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _optional(read: Callable[[], Any], missing: list[str], what: str) -> Any:
    """Call `read`; on NoData note what is missing (for Limitations) and return None."""
    try:
        return read()
    except NoData as error:
        missing.append(f"{what}: {error}")
        return None


def _quality(warehouse: Warehouse) -> dict[str, Any]:
    files = warehouse.table(
        "raw_file_reconciliation",
        [
            "source_file",
            "is_file_present",
            "raw_row_count",
            "clean_row_count",
            "rejected_row_count",
            "duplicate_row_count",
            "value_issue_count",
            "is_reconciled",
        ],
        "source_file",
    )
    quarantine_columns = ["source_file", "reason_code", "quarantine_action", "affected_row_count"]
    warehouse.require("quarantine", quarantine_columns)
    try:
        reasons = warehouse.query(
            "select q.source_file, q.reason_code, q.quarantine_action, "
            "sum(q.affected_row_count) as affected_row_count "
            "from quarantine as q group by all "
            "order by q.source_file, affected_row_count desc, q.reason_code",
            {"quarantine": quarantine_columns},
        )
    except NoData:  # nothing set aside: clean data, not missing data
        reasons = pd.DataFrame(columns=quarantine_columns)
    if warehouse.has("quarantine_reasons", ["reason_code", "description"]):
        meanings = warehouse.table("quarantine_reasons", ["reason_code", "description"])
        reasons = reasons.merge(meanings, on="reason_code", how="left")
    present = files[files.is_file_present.fillna(False).astype(bool)]
    return {
        "files": _records(files),
        "reasons": _records(reasons),
        "raw_rows": int(present.raw_row_count.sum()),
        "clean_rows": int(present.clean_row_count.sum()),
        "set_aside_rows": int(present.rejected_row_count.sum() + present.duplicate_row_count.sum()),
        "absent_files": sorted(files.source_file[~files.is_file_present.astype(bool)]),
    }


def _k_choice(warehouse: Warehouse) -> dict[str, Any]:
    frame = warehouse.query(
        "select k, silhouette_score, reference_silhouette_score, bootstrap_ari_mean, "
        "selection_reason, fit_customer_count from cluster_k_selection where is_chosen",
        {
            "cluster_k_selection": [
                "k",
                "is_chosen",
                "silhouette_score",
                "reference_silhouette_score",
                "bootstrap_ari_mean",
                "selection_reason",
                "fit_customer_count",
            ]
        },
    )
    tried = warehouse.query(
        "select min(k) as k_min, max(k) as k_max from cluster_k_selection",
        {"cluster_k_selection": ["k"]},
    )
    return {**_records(frame)[0], **_records(tried)[0]}


def validation_sentences(overall: dict[str, Any]) -> list[str]:
    """The overall validation row in plain words: distinct, stable, big enough."""

    def verdict(flag: Any) -> str:
        return "yes" if flag else "no"

    sentences = [
        f"Distinct: {verdict(overall.get('is_distinct'))}. Customers sit closer to their own "
        f"segment than to the next (silhouette {_num(overall.get('silhouette_score'), 2)}, "
        "where 0 means no separation), and recency, frequency and spend differ between "
        f"segments (largest p-value {_p_value(overall.get('max_key_feature_p_value'))}).",
        f"Stable: {verdict(overall.get('is_stable'))}. Refitting on resampled customers gives "
        f"the same segments (mean adjusted Rand index "
        f"{_num(overall.get('bootstrap_ari_mean'), 2)}, 1 = identical; 0.75 is the bar).",
        f"Big enough to target: {verdict(overall.get('is_targetable_size'))}. Every segment "
        "holds at least 2% of scored customers.",
    ]
    if overall.get("validation_notes"):
        sentences.append(str(overall["validation_notes"]))
    return sentences


def _p_value(value: Any) -> str:
    if value is None:
        return "n/a"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _num(value: Any, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _validation(warehouse: Warehouse) -> dict[str, Any]:
    frame = warehouse.table(
        "segment_validation",
        [
            "validation_scope",
            "segment_id",
            "silhouette_score",
            "max_key_feature_p_value",
            "bootstrap_jaccard_mean",
            "bootstrap_ari_mean",
            "is_distinct",
            "is_stable",
            "is_targetable_size",
            "passes_validation",
            "validation_notes",
        ],
    )
    overall = _records(frame[frame.validation_scope == "overall"])
    by_segment = {
        int(row["segment_id"]): row
        for row in _records(frame[frame.validation_scope != "overall"])
        if row["segment_id"] is not None
    }
    return {
        "overall": overall[0] if overall else None,
        "sentences": validation_sentences(overall[0]) if overall else [],
        "by_segment": by_segment,
    }


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


def _sufficiency(warehouse: Warehouse) -> list[dict[str, Any]]:
    return _records(
        warehouse.table(
            "data_sufficiency",
            [
                "check_name",
                "observed_value",
                "minimum_value",
                "is_sufficient",
                "result",
                "what_it_means",
            ],
            "check_name",
        )
    )


def _dropped_features(warehouse: Warehouse) -> list[dict[str, Any]]:
    try:
        return _records(
            warehouse.query(
                "select feature_name, feature_drop_reason from segmentation_features "
                "where not is_feature_used order by feature_name",
                {
                    "segmentation_features": [
                        "feature_name",
                        "is_feature_used",
                        "feature_drop_reason",
                    ]
                },
            )
        )
    except NoData:
        return []


def _clipped_features(warehouse: Warehouse) -> list[dict[str, Any]]:
    """Features whose extreme values were clipped to a fence, and at what value."""
    try:
        return _records(
            warehouse.query(
                "select feature_name, clipped_customer_count, clipped_customer_share, "
                "clip_lower_value, clip_upper_value from segmentation_features "
                "where clipped_customer_count > 0 order by clipped_customer_count desc",
                {
                    "segmentation_features": [
                        "feature_name",
                        "clipped_customer_count",
                        "clipped_customer_share",
                        "clip_lower_value",
                        "clip_upper_value",
                    ]
                },
            )
        )
    except NoData:
        return []


def _clv(warehouse: Warehouse) -> dict[str, Any]:
    rows = _records(
        warehouse.query(
            "select mean_absolute_error, purchase_correlation, customer_count, holdout_days, "
            "calibration_end_date from clv_model_evaluation where predicted_decile is null",
            {
                "clv_model_evaluation": [
                    "predicted_decile",
                    "mean_absolute_error",
                    "purchase_correlation",
                    "customer_count",
                    "holdout_days",
                    "calibration_end_date",
                ]
            },
        )
    )
    return rows[0]


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
        "figures": by_section,
        "sections": SECTIONS,
        "no_data_figures": [f for f in manifest.figures if not f.has_data],
        "missing": missing,
    }
