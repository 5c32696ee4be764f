"""The report's data-quality and model-quality parts: quarantine, k selection, validation, the
minimum-data gates, dropped and clipped features, and the predicted-value check."""

from __future__ import annotations

from typing import Any

import pandas as pd

from customer_segmentation.plots.clv import published_model
from customer_segmentation.report.records import _records
from customer_segmentation.warehouse import NoData, Warehouse


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


def _overall_scores(warehouse: Warehouse, table: str, columns: list[str]) -> dict[str, dict]:
    """Each model's `all` row of a holdout evaluation mart, by model name; empty when the mart
    is there but no customer could be tested on the holdout."""
    try:
        rows = _records(
            warehouse.query(
                f"select {', '.join(columns)} from {table} where predicted_decile is null",
                {table: columns},
            )
        )
    except NoData:
        if not warehouse.has(table, columns):
            raise
        rows = []
    return {row["model_name"]: row for row in rows}


# How the report names each model that customer_predicted_value can publish: as the published
# model, as the purchase model tested on the holdout, and as the spend prediction.
MODEL_WORDING = {
    "bg_nbd": {
        "published": "BG/NBD with Gamma-Gamma",
        "purchases": "BG/NBD",
        "spend": "BG/NBD's purchases times Gamma-Gamma's spend per purchase",
    },
    "gradient_boosting": {
        "published": "the learned model (gradient boosting)",
        "purchases": "the learned model, gradient boosting",
        "spend": "the learned model's spend",
    },
}


def _clv(warehouse: Warehouse) -> dict[str, Any]:
    """The published model's holdout scores (`mean_absolute_error` None when it made no
    predictions), with the past-repeat-count baseline's under `baseline` and the spend test
    under `spend`. BG/NBD where the warehouse does not say which model it publishes."""
    columns = ["model_name", "predicted_decile", "mean_absolute_error", "purchase_correlation"]
    columns += ["purchase_rank_correlation", "top_decile_purchase_share"]
    columns += ["decile_calibration_error", "customer_count", "holdout_days"]
    columns += ["calibration_end_date", "purchase_interval_coverage"]
    models = _overall_scores(warehouse, "clv_model_evaluation", columns)
    selection = published_model(warehouse)
    name = selection["model_name"] if selection else "bg_nbd"
    wording = MODEL_WORDING[name]
    return {
        **models.get(name, {"mean_absolute_error": None}),
        "model_label": wording["purchases"],
        "baseline": models.get("past_repeat_count"),
        "spend": _clv_spend(warehouse, name, wording["spend"]),
        "selection": selection and {**selection, "label": wording["published"]},
    }


def _clv_spend(warehouse: Warehouse, name: str, label: str) -> dict[str, Any] | None:
    """The spend test's overall rows: the published model's (`name`, called `label`) under
    `model` and the past repeat spend under `baseline`; None unless both were scored."""
    columns = ["model_name", "predicted_decile", "mean_absolute_error_amount"]
    columns += ["spend_rank_correlation", "top_decile_spend_share", "decile_calibration_error"]
    columns += ["actual_spend_mean_amount"]
    try:
        models = _overall_scores(warehouse, "clv_spend_evaluation", columns)
    except NoData:
        return None
    if name not in models or "past_repeat_spend" not in models:
        return None
    return {"model": models[name], "baseline": models["past_repeat_spend"], "label": label}
