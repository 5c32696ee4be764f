"""K-means segmentation of the `customer_features` mart, called by the dbt Python model
`int_segmentation_fit`.

One call fits once and returns everything later tables describe (assignments, the k that
was tried and why one was chosen, how each feature was treated, the centroids), so no other
model has to fit again. Deterministic: rows are sorted by customer_id before any sampling,
and every random step takes the configured seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from customer_segmentation.segment_names import name_segments

ID_COLUMN = "customer_id"
# Monetary value orders segment ids: segment 1 is the segment with the highest mean.
ORDERING_COLUMN = "monetary_amount"


# pandas dtypes of the long fit table's non-float columns (every other column is Float64).
FIT_COLUMN_TYPES = {
    "fit_row_id": "string",
    "row_kind": "string",
    ID_COLUMN: "string",
    "segment_id": "Int64",
    "segment_name": "string",
    "k": "Int64",
    "is_chosen": "boolean",
    "selection_reason": "string",
    "fit_customer_count": "Int64",
    "silhouette_sample_size": "Int64",
    "feature_name": "string",
    "is_log_transformed": "boolean",
    "is_feature_used": "boolean",
    "feature_drop_reason": "string",
}


@dataclass(frozen=True)
class SegmentationConfig:
    """How to segment; the dbt model reads these from YAML (`meta.segmentation`)."""

    feature_columns: tuple[str, ...]
    log_columns: tuple[str, ...] = ()
    k_min: int = 2
    k_max: int = 10
    seed: int = 42
    n_init: int = 10
    fit_sample_size: int = 50_000
    silhouette_sample_size: int = 5_000
    min_segment_share: float = 0.02
    silhouette_tolerance: float = 0.02

    @classmethod
    def from_mapping(cls, values: Mapping) -> SegmentationConfig:
        known = {name for name in cls.__dataclass_fields__}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown segmentation settings: {sorted(unknown)}")
        converted = dict(values)
        for name in ("feature_columns", "log_columns"):
            if name in converted:
                converted[name] = tuple(converted[name])
        return cls(**converted)

    @classmethod
    def for_format(cls, values: Mapping, raw_format: str) -> SegmentationConfig:
        """The settings for one raw format: the shared ones, with the entries of
        `format_overrides[raw_format]` (if any) replacing them."""
        shared = dict(values)
        overrides = shared.pop("format_overrides", None) or {}
        return cls.from_mapping({**shared, **(overrides.get(raw_format) or {})})


@dataclass
class PreparedFeatures:
    """The standardised matrix and how every configured feature was treated."""

    customer_ids: np.ndarray
    matrix: np.ndarray
    used: list[str]
    treatment: pd.DataFrame  # one row per configured feature


@dataclass
class KCandidate:
    k: int
    inertia: float
    silhouette: float
    calinski_harabasz: float
    davies_bouldin: float
    smallest_segment_share: float
    model: KMeans = field(repr=False)


def signed_log1p(values: np.ndarray) -> np.ndarray:
    """log1p that keeps the sign, so net amounts below zero (returns) stay ordered."""
    return np.sign(values) * np.log1p(np.abs(values))


def prepare_features(features: pd.DataFrame, config: SegmentationConfig) -> PreparedFeatures:
    """Sort, transform, impute and standardise; drop features that cannot inform a cluster.

    A feature null for every customer (its source file was not supplied) or constant is
    dropped and recorded, not an error. Other nulls take the feature's median after the log
    transform, so a customer without, say, a survey answer sits at the typical value.
    """
    missing = [c for c in (ID_COLUMN, *config.feature_columns) if c not in features.columns]
    if missing:
        raise ValueError(f"customer_features lacks configured column(s): {missing}")
    frame = features.sort_values(ID_COLUMN, kind="mergesort").reset_index(drop=True)
    records, columns = [], []
    for name in config.feature_columns:
        values = pd.to_numeric(frame[name], errors="coerce").astype(float).to_numpy()
        is_log = name in config.log_columns
        if is_log:
            values = signed_log1p(values)
        known = values[~np.isnan(values)]
        record = {
            "feature_name": name,
            "is_log_transformed": is_log,
            "null_share": float(np.isnan(values).mean()) if len(values) else 1.0,
            "is_feature_used": False,
            "feature_drop_reason": None,
            "impute_value": None,
            "scaler_mean": None,
            "scaler_scale": None,
        }
        if known.size == 0:
            record["feature_drop_reason"] = "null for every customer"
        elif np.ptp(known) == 0:
            record["feature_drop_reason"] = "constant for every customer"
        else:
            median = float(np.median(known))
            values = np.where(np.isnan(values), median, values)
            mean, scale = float(values.mean()), float(values.std())
            columns.append((values - mean) / scale)
            record.update(
                is_feature_used=True, impute_value=median, scaler_mean=mean, scaler_scale=scale
            )
        records.append(record)
    used = [r["feature_name"] for r in records if r["is_feature_used"]]
    matrix = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    return PreparedFeatures(
        customer_ids=frame[ID_COLUMN].astype(str).to_numpy(),
        matrix=matrix,
        used=used,
        treatment=pd.DataFrame.from_records(records),
    )


def sample_rows(n_rows: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a fixed-size random sample (all rows when there are fewer)."""
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=size, replace=False))


def knee_point(ks: Sequence[int], inertias: Sequence[float]) -> int | None:
    """Kneedle on a decreasing inertia curve: the k farthest below the chord from the first
    to the last point, after scaling both axes to 0-1. None when the curve has no bend
    (a straight or too short curve), so callers must not assume an elbow exists."""
    if len(ks) < 3:
        return None
    x = (np.asarray(ks, float) - ks[0]) / (ks[-1] - ks[0])
    y = np.asarray(inertias, float)
    if np.ptp(y) == 0:
        return None
    y = (y - y.min()) / np.ptp(y)
    distance = (1 - x) - y
    best = int(np.argmax(distance))
    if distance[best] <= 0.05:  # within noise of a straight line: no knee
        return None
    return int(ks[best])


def evaluate_k(matrix: np.ndarray, k: int, config: SegmentationConfig) -> KCandidate:
    model = KMeans(n_clusters=k, n_init=config.n_init, random_state=config.seed).fit(matrix)
    labels = model.labels_
    sizes = np.bincount(labels, minlength=k)
    silhouette_rows = sample_rows(len(matrix), config.silhouette_sample_size, config.seed)
    sampled_labels = labels[silhouette_rows]
    separable = len(np.unique(sampled_labels)) > 1
    return KCandidate(
        k=k,
        inertia=float(model.inertia_),
        silhouette=(
            float(silhouette_score(matrix[silhouette_rows], sampled_labels))
            if separable
            else np.nan
        ),
        calinski_harabasz=float(calinski_harabasz_score(matrix, labels)) if separable else np.nan,
        davies_bouldin=float(davies_bouldin_score(matrix, labels)) if separable else np.nan,
        smallest_segment_share=float(sizes.min() / len(labels)),
        model=model,
    )


def choose_k(candidates: Sequence[KCandidate], config: SegmentationConfig) -> tuple[int, str]:
    """The documented rule; returns the chosen k and the reason in words.

    1. Eligible: every segment holds at least `min_segment_share` of customers (if no k
       qualifies, all are eligible and the reason says so).
    2. Silhouette differences smaller than `silhouette_tolerance` are sampling noise, so the
       eligible k within that distance of the best silhouette are tied.
    3. Among the tied, the elbow of the inertia curve wins if it is one of them, else the
       tied k nearest to it; with no elbow, the best silhouette wins.
    """
    eligible = [c for c in candidates if c.smallest_segment_share >= config.min_segment_share]
    note = ""
    if not eligible:
        eligible = list(candidates)
        note = f" (no k kept every segment above {config.min_segment_share:.0%}; all considered)"
    scored = [c for c in eligible if not np.isnan(c.silhouette)]
    if not scored:
        return eligible[0].k, f"no k separates the customers; fell back to k={eligible[0].k}{note}"
    best = max(scored, key=lambda c: (c.silhouette, -c.k))
    tied = [c for c in scored if c.silhouette >= best.silhouette - config.silhouette_tolerance]
    knee = knee_point([c.k for c in candidates], [c.inertia for c in candidates])
    if knee is None:
        return best.k, f"best silhouette ({best.silhouette:.3f}); inertia has no elbow{note}"
    chosen = min(tied, key=lambda c: (abs(c.k - knee), c.k))
    if chosen.k == knee:
        reason = (
            f"elbow of inertia at k={knee}, with silhouette {chosen.silhouette:.3f} within "
            f"{config.silhouette_tolerance} of the best ({best.silhouette:.3f} at k={best.k})"
        )
    else:
        reason = (
            f"silhouette {chosen.silhouette:.3f} within {config.silhouette_tolerance} of the "
            f"best ({best.silhouette:.3f} at k={best.k}) and nearest to the elbow at k={knee}"
        )
    return chosen.k, reason + note


SINGLE_SEGMENT_NAME = "All customers"


@dataclass
class SegmentationFit:
    """Everything one fit produced, as frames that the warehouse stores."""

    assignments: pd.DataFrame  # customer_id, segment_id, segment_name, distance_to_centroid
    k_selection: pd.DataFrame
    features: pd.DataFrame
    centroids: pd.DataFrame  # segment_id, feature_name, centroid_z_score

    def to_frame(self) -> pd.DataFrame:
        """One long table, a row kind per part, for the dbt Python model to return."""
        parts = {
            "customer": self.assignments.assign(fit_row_id=lambda f: "customer|" + f[ID_COLUMN]),
            "k_candidate": self.k_selection.assign(fit_row_id=lambda f: "k|" + f["k"].astype(str)),
            "feature": self.features.assign(fit_row_id=lambda f: "feature|" + f["feature_name"]),
            "centroid": self.centroids.assign(
                fit_row_id=lambda f: (
                    "centroid|" + f["segment_id"].astype(str) + "|" + f["feature_name"]
                )
            ),
        }
        frames = [part.assign(row_kind=kind) for kind, part in parts.items()]
        combined = pd.concat(frames, ignore_index=True, sort=False)
        # Typed explicitly: a column that is empty for this fit must still not become NULL-typed.
        for column in combined.columns:
            combined[column] = combined[column].astype(FIT_COLUMN_TYPES.get(column, "Float64"))
        leading = ["fit_row_id", "row_kind"]
        return combined[leading + [c for c in combined.columns if c not in leading]]


def fit_segments(
    features: pd.DataFrame,
    config: SegmentationConfig,
    name_terms: pd.DataFrame | None = None,
) -> SegmentationFit:
    """Choose k, fit K-means on a fixed-size sample, assign every customer, order and name."""
    prepared = prepare_features(features, config)
    n_rows = len(prepared.customer_ids)
    if n_rows < 2 or not prepared.used:
        return _single_segment_fit(prepared, config)
    fit_rows = sample_rows(n_rows, config.fit_sample_size, config.seed)
    fit_matrix = prepared.matrix[fit_rows]
    # Silhouette needs fewer segments than distinct points; tiny inputs get a shorter range.
    distinct_points = len(np.unique(fit_matrix, axis=0))
    ks = [k for k in range(config.k_min, config.k_max + 1) if k < distinct_points] or [1]
    candidates = [evaluate_k(fit_matrix, k, config) for k in ks]
    chosen_k, reason = choose_k(candidates, config)
    model = next(c.model for c in candidates if c.k == chosen_k)

    raw_labels = model.predict(prepared.matrix)
    centers = model.cluster_centers_
    distances = np.linalg.norm(prepared.matrix - centers[raw_labels], axis=1)

    # Canonical ids: by mean monetary value (raw units), highest first; ties by centroid.
    sorted_frame = features.sort_values(ID_COLUMN, kind="mergesort").reset_index(drop=True)
    ordering = pd.to_numeric(sorted_frame[ORDERING_COLUMN], errors="coerce").to_numpy(float)
    order_keys = []
    for label in range(len(centers)):
        in_segment = ordering[raw_labels == label]
        mean_value = float(np.nanmean(in_segment)) if np.isfinite(in_segment).any() else -np.inf
        order_keys.append((-mean_value, tuple(np.round(centers[label], 9))))
    rank = {
        label: i + 1
        for i, label in enumerate(sorted(range(len(centers)), key=order_keys.__getitem__))
    }
    segment_ids = np.array([rank[label] for label in raw_labels], dtype=np.int64)
    centroid_frame = pd.DataFrame(
        [
            {"segment_id": rank[label], "feature_name": name, "centroid_z_score": float(value)}
            for label in range(len(centers))
            for name, value in zip(prepared.used, centers[label], strict=True)
        ]
    ).sort_values(["segment_id", "feature_name"], ignore_index=True)
    names = name_segments(centroid_frame, name_terms)
    centroid_frame["segment_name"] = centroid_frame["segment_id"].map(names)

    assignments = pd.DataFrame(
        {
            ID_COLUMN: prepared.customer_ids,
            "segment_id": segment_ids,
            "segment_name": [names[s] for s in segment_ids],
            "distance_to_centroid": distances,
        }
    )
    k_selection = pd.DataFrame(
        [
            {
                "k": c.k,
                "inertia": c.inertia,
                "silhouette_score": c.silhouette,
                "calinski_harabasz_score": c.calinski_harabasz,
                "davies_bouldin_score": c.davies_bouldin,
                "smallest_segment_share": c.smallest_segment_share,
                "is_chosen": c.k == chosen_k,
                "selection_reason": reason if c.k == chosen_k else None,
                "fit_customer_count": len(fit_rows),
                "silhouette_sample_size": min(len(fit_rows), config.silhouette_sample_size),
            }
            for c in candidates
        ]
    )
    return SegmentationFit(assignments, k_selection, prepared.treatment, centroid_frame)


def _single_segment_fit(prepared: PreparedFeatures, config: SegmentationConfig) -> SegmentationFit:
    """Fewer than two customers, or no feature that varies: nothing to separate, so everyone
    (possibly no one) is in one segment, and the k-selection row says why."""
    reasons = prepared.treatment.set_index("feature_name")["feature_drop_reason"].dropna()
    why = (
        f"{len(prepared.customer_ids)} scored customer(s)"
        if len(prepared.customer_ids) < 2
        else f"no usable feature ({len(reasons)} dropped: null or constant)"
    )
    assignments = pd.DataFrame(
        {
            ID_COLUMN: prepared.customer_ids,
            "segment_id": np.ones(len(prepared.customer_ids), dtype=np.int64),
            "segment_name": SINGLE_SEGMENT_NAME,
            "distance_to_centroid": np.zeros(len(prepared.customer_ids)),
        }
    )
    k_selection = pd.DataFrame(
        [
            {
                "k": 1,
                "inertia": 0.0,
                "silhouette_score": np.nan,
                "calinski_harabasz_score": np.nan,
                "davies_bouldin_score": np.nan,
                "smallest_segment_share": 1.0,
                "is_chosen": True,
                "selection_reason": f"nothing to separate ({why}): one segment",
                "fit_customer_count": len(prepared.customer_ids),
                "silhouette_sample_size": 0,
            }
        ]
    )
    centroids = pd.DataFrame(columns=["segment_id", "feature_name", "centroid_z_score"])
    return SegmentationFit(assignments, k_selection, prepared.treatment, centroids)
