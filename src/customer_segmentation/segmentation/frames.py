"""What one fit produced, as the frames the warehouse stores, and the one long typed table
`int_segmentation_fit` holds (built in pandas here; on DuckDB by `fit_table`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from customer_segmentation.segmentation.choose_k import KChoice, knee_point
from customer_segmentation.segmentation.prepare import ID_COLUMN, PreparedFeatures

# pandas dtypes of every column of the long fit table: a column that no row of this fit fills
# (a tiny input has no k candidates to measure) must still exist, with its type.
FIT_COLUMN_TYPES = {
    "fit_row_id": "string",
    "row_kind": "string",
    ID_COLUMN: "string",
    "as_of_date": "string",
    "segment_id": "Int64",
    "segment_name": "string",
    "segment_archetype": "string",
    "k": "Int64",
    "seed": "Int64",
    "is_chosen": "boolean",
    "is_elbow": "boolean",
    "has_cluster_structure": "boolean",
    "selection_reason": "string",
    "fit_customer_count": "Int64",
    "silhouette_sample_size": "Int64",
    "stability_sample_size": "Int64",
    "stability_resamples": "Int64",
    "feature_name": "string",
    "is_log_transformed": "boolean",
    "is_feature_used": "boolean",
    "is_key_feature": "boolean",
    "feature_drop_reason": "string",
    "nearest_segment_id": "Int64",
    "match_status": "string",
    "test_customer_count": "Int64",
    "rule_id": "string",
    "rule_scope": "string",
    "rule_text": "string",
    "sql_predicate": "string",
    "customers_matched": "Int64",
    "customers_correct": "Int64",
    "rule_depth": "Int64",
    "feature_count": "Int64",
    "fit_row_count": "Int64",
    "feature_list": "string",
    "scaler_parameters": "string",
    "settings": "string",
    "data_fingerprint": "string",
    "scored_customer_count": "Int64",
    "previous_as_of_date": "string",
    "matched_segment_count": "Int64",
    "new_segment_ids": "string",
    "vanished_segment_ids": "string",
    "highest_segment_id": "Int64",
    "segment_mode": "string",
    "fitted_as_of_date": "string",
    "distance_p95": "Float64",
    "bootstrap_ari_mean": "Float64",
    "bootstrap_ari_min": "Float64",
    "bootstrap_jaccard_mean": "Float64",
    "bootstrap_jaccard_min": "Float64",
    "calinski_harabasz_score": "Float64",
    "centroid_value": "Float64",
    "centroid_z_score": "Float64",
    "davies_bouldin_score": "Float64",
    "distance_to_centroid": "Float64",
    "epsilon_squared": "Float64",
    "impute_value": "Float64",
    "inertia": "Float64",
    "kruskal_h_statistic": "Float64",
    "kruskal_p_value": "Float64",
    "match_distance": "Float64",
    "nearest_centroid_distance": "Float64",
    "null_share": "Float64",
    "reference_silhouette_score": "Float64",
    "rule_fidelity": "Float64",
    "rule_precision": "Float64",
    "scaler_mean": "Float64",
    "scaler_scale": "Float64",
    "segment_recall": "Float64",
    "segment_silhouette_score": "Float64",
    "silhouette_score": "Float64",
    "smallest_segment_share": "Float64",
    # Method 2: fences, feature weights, the checks per k, which rule made the run.
    "clip_lower_value": "Float64",
    "clip_upper_value": "Float64",
    "clipped_customer_count": "Int64",
    "clipped_customer_share": "Float64",
    "feature_weight": "Float64",
    "between_segment_variance_share": "Float64",
    "feature_weight_bound": "Float64",
    "weight_gap_statistic": "Float64",
    "prediction_strength": "Float64",
    "is_stable": "boolean",
    "is_targetable_size": "boolean",
    "passes_checks": "boolean",
    "is_rule_choice": "boolean",
    "failed_checks": "string",
    "method_version": "string",
    "requested_segment_count": "Int64",
    "discriminant_coefficient": "Float64",
    "discriminant_intercept": "Float64",
    "prediction_strength_standard_error": "Float64",  # method 6
}


@dataclass
class SegmentationFit:
    """Everything one fit produced, as frames that the warehouse stores."""

    assignments: pd.DataFrame  # customer_id, segment_id, segment_name, distance_to_centroid
    k_selection: pd.DataFrame
    features: pd.DataFrame
    centroids: pd.DataFrame  # segment_id, feature_name, centroid_z_score, centroid_value
    segments: pd.DataFrame  # one row per segment: distinctness and stability measures
    feature_tests: pd.DataFrame  # one row per used feature: Kruskal-Wallis
    rules: pd.DataFrame  # decision-tree rules (segment_rules.explain_segments)
    vanished: pd.DataFrame  # earlier run's segments with no successor
    run: pd.DataFrame  # one row: the run's settings, fingerprint and metrics

    def to_frame(self, include_customers: bool = True) -> pd.DataFrame:
        """One long table, a row kind per part (without the customer rows if asked)."""
        keys = {
            "customer": lambda f: "customer|" + f[ID_COLUMN],
            "k_candidate": lambda f: "k|" + f["k"].astype(str),
            "feature": lambda f: "feature|" + f["feature_name"],
            "centroid": lambda f: (
                "centroid|" + f["segment_id"].astype(str) + "|" + f["feature_name"]
            ),
            "segment": lambda f: "segment|" + f["segment_id"].astype(str),
            "feature_test": lambda f: "feature_test|" + f["feature_name"],
            "rule": lambda f: "rule|" + f["rule_id"],
            "vanished_segment": lambda f: "vanished|" + f["segment_id"].astype(str),
            "run": lambda f: "run",
        }
        parts = {
            "customer": self.assignments,
            "k_candidate": self.k_selection,
            "feature": self.features,
            "centroid": self.centroids,
            "segment": self.segments,
            "feature_test": self.feature_tests,
            "rule": self.rules,
            "vanished_segment": self.vanished,
            "run": self.run,
        }
        frames = [
            part.assign(fit_row_id=keys[kind], row_kind=kind)
            for kind, part in parts.items()
            if len(part) and (include_customers or kind != "customer")
        ]
        combined = pd.concat(frames, ignore_index=True, sort=False)
        for column in FIT_COLUMN_TYPES:
            if column not in combined.columns:
                combined[column] = pd.NA
        # Typed explicitly: a column that is empty for this fit must still not become NULL-typed.
        for column in combined.columns:
            combined[column] = combined[column].astype(FIT_COLUMN_TYPES[column])
        leading = ["fit_row_id", "row_kind"]
        return combined[leading + sorted(c for c in combined.columns if c not in leading)]


def data_fingerprint(prepared: PreparedFeatures) -> str:
    """Short hash of the customers and their standardised features: equal inputs, equal hash."""
    digest = hashlib.sha256()
    digest.update("\n".join(prepared.customer_ids).encode())
    digest.update(",".join(prepared.used).encode())
    digest.update(np.ascontiguousarray(np.round(prepared.matrix, 9)).tobytes())
    return digest.hexdigest()[:16]


def k_selection_frame(candidates, choice: KChoice, stability, fit_count, config) -> pd.DataFrame:
    """One row per k tried; bootstrap stability is measured for the chosen k only."""
    knee = knee_point([c.k for c in candidates], [c.inertia for c in candidates])
    return pd.DataFrame(
        [
            {
                "k": c.k,
                "inertia": c.inertia,
                "silhouette_score": c.silhouette,
                "reference_silhouette_score": c.reference_silhouette,
                "calinski_harabasz_score": c.calinski_harabasz,
                "davies_bouldin_score": c.davies_bouldin,
                "smallest_segment_share": c.smallest_segment_share,
                "bootstrap_ari_mean": stability.ari_mean if c.k == choice.k else None,
                "bootstrap_ari_min": stability.ari_min if c.k == choice.k else None,
                "is_elbow": c.k == knee,
                "has_cluster_structure": c.has_structure(config.silhouette_tolerance),
                "prediction_strength": c.prediction_strength,
                "prediction_strength_standard_error": c.prediction_strength_standard_error,
                "is_stable": c.is_stable(config),
                "is_targetable_size": c.is_targetable(config),
                "passes_checks": not c.failed_checks(config),
                "failed_checks": "; ".join(c.failed_checks(config)) or None,
                "feature_weight_bound": c.weight_bound,
                "weight_gap_statistic": c.weight_gap,
                "is_rule_choice": c.k == choice.rule_k,
                "is_chosen": c.k == choice.k,
                "selection_reason": choice.reason if c.k == choice.k else None,
                "fit_customer_count": fit_count,
                "silhouette_sample_size": c.silhouette_sample_size,
                "stability_sample_size": (
                    min(fit_count, config.stability_sample_size) if c.k == choice.k else None
                ),
                "stability_resamples": config.stability_resamples if c.k == choice.k else None,
            }
            for c in candidates
        ]
    )


def centroid_frame(centers, ids, prepared, discriminant=None) -> pd.DataFrame:
    """Long centroids in z-scores and transformed units (value = z * scaler_scale + scaler_mean),
    and the shared-covariance rule's coefficients where it assigned customers (else null)."""
    scaler = prepared.treatment.set_index("feature_name")
    rows = [
        {
            "segment_id": ids[label],
            "feature_name": name,
            "centroid_z_score": float(value),
            "centroid_value": float(
                value * scaler.at[name, "scaler_scale"] + scaler.at[name, "scaler_mean"]
            ),
        }
        for label in range(len(centers))
        for name, value in zip(prepared.used, centers[label], strict=True)
    ]
    columns = ["segment_id", "feature_name", "centroid_z_score", "centroid_value"]
    rule = ["discriminant_coefficient", "discriminant_intercept"]  # null unless it assigned
    frame = pd.DataFrame(rows, columns=columns + rule)  # label by label, features in order
    if discriminant is not None:
        frame["discriminant_coefficient"] = discriminant.coefficients.ravel()
        frame["discriminant_intercept"] = np.repeat(discriminant.intercepts, len(prepared.used))
    return frame.sort_values(["segment_id", "feature_name"], ignore_index=True)


def run_frame(
    prepared, config, k_selection, segments, rules, match, previous, highest_id, as_of_date
) -> pd.DataFrame:
    chosen = k_selection[k_selection["is_chosen"]].iloc[0]
    overall_rule = rules[rules["rule_scope"] == "overall"]
    scaler = prepared.treatment[prepared.treatment["is_feature_used"]]
    new_ids = segments.loc[segments["match_status"] == "new", "segment_id"].tolist()
    vanished_ids = match.vanished["segment_id"].tolist() if len(match.vanished) else []
    return pd.DataFrame(
        [
            {
                "as_of_date": as_of_date,
                "k": int(chosen["k"]),
                "seed": config.seed,
                "selection_reason": chosen["selection_reason"],
                "feature_list": ",".join(prepared.used),
                "scaler_parameters": json.dumps(
                    {
                        r.feature_name: {
                            "log1p": bool(r.is_log_transformed),
                            "impute": r.impute_value,
                            "clip_lower": _json_number(r.clip_lower_value),
                            "clip_upper": _json_number(r.clip_upper_value),
                            "mean": r.scaler_mean,
                            "scale": r.scaler_scale,
                            "weight": r.feature_weight,
                        }
                        for r in scaler.itertuples()
                    },
                    sort_keys=True,
                ),
                "settings": json.dumps(asdict(config), sort_keys=True),
                "data_fingerprint": data_fingerprint(prepared),
                "scored_customer_count": len(prepared.customer_ids),
                "silhouette_score": chosen.get("silhouette_score", np.nan),
                "bootstrap_ari_mean": chosen.get("bootstrap_ari_mean", np.nan),
                "bootstrap_ari_min": chosen.get("bootstrap_ari_min", np.nan),
                "rule_fidelity": (
                    float(overall_rule["rule_precision"].iloc[0]) if len(overall_rule) else np.nan
                ),
                "previous_as_of_date": previous.as_of_date if previous is not None else None,
                "matched_segment_count": int((segments["match_status"] == "matched").sum()),
                "new_segment_ids": ",".join(str(i) for i in new_ids) or None,
                "vanished_segment_ids": ",".join(str(i) for i in vanished_ids) or None,
                "highest_segment_id": highest_id,
                "segment_mode": "fit",
                "fitted_as_of_date": as_of_date,
                "method_version": config.method_version,
                "requested_segment_count": config.segment_count,
            }
        ]
    )


def _json_number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
