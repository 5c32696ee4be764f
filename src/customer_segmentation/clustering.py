"""K-means segmentation of the `customer_features` mart, called by the dbt Python model
`int_segmentation_fit`.

One call fits once and returns everything later tables describe (assignments, the k that
was tried and why one was chosen, how each feature was treated, the centroids), so no other
model has to fit again. Deterministic: rows are sorted by customer_id before any sampling,
and every random step takes the configured seed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from threadpoolctl import threadpool_limits

from customer_segmentation.segment_matching import SegmentMatch, match_to_previous
from customer_segmentation.segment_names import (
    SINGLE_SEGMENT_ARCHETYPE,
    SegmentName,
    name_segments,
)
from customer_segmentation.segment_rules import RuleConfig, explain_segments
from customer_segmentation.stability import Stability, bootstrap_stability
from customer_segmentation.validation import (
    kruskal_wallis_tests,
    nearest_centroids,
    silhouette_by_segment,
    stratified_sample,
)

ID_COLUMN = "customer_id"
# Monetary value orders segment ids: segment 1 is the segment with the highest mean.
ORDERING_COLUMN = "monetary_amount"


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
    fit_sample_size: int = 20_000
    silhouette_sample_size: int = 5_000
    min_segment_share: float = 0.02
    silhouette_tolerance: float = 0.02
    stability_sample_size: int = 5_000
    stability_resamples: int = 20
    stability_n_init: int = 3
    min_bootstrap_ari: float = 0.75
    min_segment_jaccard: float = 0.75
    max_match_distance_ratio: float = 0.5
    key_features: tuple[str, ...] = ("recency_days", "order_count", "monetary_amount")
    rule_max_depth: int = 3
    rule_min_leaf_share: float = 0.01

    @classmethod
    def from_mapping(cls, values: Mapping) -> SegmentationConfig:
        known = {name for name in cls.__dataclass_fields__}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown segmentation settings: {sorted(unknown)}")
        converted = dict(values)
        for name in ("feature_columns", "log_columns", "key_features"):
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
    reference_silhouette: float
    calinski_harabasz: float
    davies_bouldin: float
    smallest_segment_share: float
    silhouette_sample_size: int
    stability: Stability = field(repr=False)
    stability_sample_size: int
    model: KMeans = field(repr=False)

    def has_structure(self, tolerance: float) -> bool:
        """Silhouette clearly above what one structureless population gives."""
        if np.isnan(self.silhouette):
            return False
        if np.isnan(self.reference_silhouette):
            return True
        return self.silhouette >= self.reference_silhouette + tolerance


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


def reference_silhouettes(
    matrix: np.ndarray, ks: Sequence[int], config: SegmentationConfig
) -> dict[int, float]:
    """Silhouette that K-means reaches on one structureless population: a Gaussian sample with
    the data's covariance, of the silhouette sample's size. K-means always finds *some*
    partition, so a silhouette means structure only when it beats this reference."""
    rng = np.random.default_rng([config.seed, 7])
    size = min(len(matrix), config.silhouette_sample_size)
    covariance = np.atleast_2d(np.cov(matrix, rowvar=False))
    reference = rng.multivariate_normal(np.zeros(matrix.shape[1]), covariance, size=size)
    values = {}
    for k in ks:
        if k < 2 or k >= size:
            values[k] = np.nan
            continue
        labels = KMeans(n_clusters=k, n_init=config.stability_n_init, random_state=config.seed)
        values[k] = float(silhouette_score(reference, labels.fit_predict(reference)))
    return values


def evaluate_k(
    matrix: np.ndarray, k: int, config: SegmentationConfig, reference_silhouette: float = np.nan
) -> KCandidate:
    """Fit one k on the fit sample and measure it: inertia, silhouette on a stratified sample
    of fixed size, Calinski-Harabasz, Davies-Bouldin, smallest segment, bootstrap stability."""
    model = KMeans(n_clusters=k, n_init=config.n_init, random_state=config.seed).fit(matrix)
    labels = model.labels_
    sizes = np.bincount(labels, minlength=k)
    silhouette_rows = stratified_sample(labels, config.silhouette_sample_size, config.seed)
    separable = len(np.unique(labels)) > 1
    stability_rows = sample_rows(len(matrix), config.stability_sample_size, config.seed)
    stability = bootstrap_stability(
        matrix[stability_rows],
        labels[stability_rows],
        k,
        config.stability_resamples,
        config.stability_n_init,
        config.seed,
    )
    return KCandidate(
        k=k,
        inertia=float(model.inertia_),
        silhouette=(
            float(silhouette_score(matrix[silhouette_rows], labels[silhouette_rows]))
            if separable
            else np.nan
        ),
        reference_silhouette=reference_silhouette,
        calinski_harabasz=float(calinski_harabasz_score(matrix, labels)) if separable else np.nan,
        davies_bouldin=float(davies_bouldin_score(matrix, labels)) if separable else np.nan,
        smallest_segment_share=float(sizes.min() / len(labels)),
        silhouette_sample_size=len(silhouette_rows),
        stability=stability,
        stability_sample_size=len(stability_rows),
        model=model,
    )


def choose_k(candidates: Sequence[KCandidate], config: SegmentationConfig) -> tuple[int, str]:
    """The documented rule; returns the chosen k and the reason in words.

    A k is eligible when (a) every segment holds at least `min_segment_share` of customers,
    (b) its silhouette beats the structureless reference by at least `silhouette_tolerance`
    (there are groups to find) and (c) its mean bootstrap ARI is at least `min_bootstrap_ari`
    (the groups come back on resampled data). Among the eligible, silhouettes within
    `silhouette_tolerance` of the best are tied (sampling noise); the elbow of the inertia curve
    wins if tied, else the tied k nearest to it; with no elbow, the best silhouette wins.
    Fallbacks, each stated in the reason: when no k beats the reference there is no cluster
    structure, and the most stable size-eligible k is chosen (segments are then tiers of one
    population, not natural groups); when structured k exist but none is stable or big enough,
    that condition is dropped.
    """
    by_size = [c for c in candidates if c.smallest_segment_share >= config.min_segment_share]
    structured = [c for c in candidates if c.has_structure(config.silhouette_tolerance)]
    stable = [c for c in candidates if c.stability.ari_mean >= config.min_bootstrap_ari]
    knee = knee_point([c.k for c in candidates], [c.inertia for c in candidates])
    if not structured:
        pool = by_size or list(candidates)
        chosen = max(pool, key=lambda c: (round(c.stability.ari_mean, 3), -c.k))
        return chosen.k, (
            f"no cluster structure: no k beats a single population's silhouette by "
            f"{config.silhouette_tolerance}; k={chosen.k} is the most stable (mean bootstrap ARI "
            f"{chosen.stability.ari_mean:.2f}), so treat segments as tiers of one population"
        )
    notes = []
    eligible = [c for c in structured if c in by_size and c in stable]
    if not eligible:
        eligible = [c for c in structured if c in by_size]
        notes.append(f"no structured k reached mean bootstrap ARI {config.min_bootstrap_ari}")
    if not eligible:
        eligible = structured
        notes.append(f"no structured k kept every segment above {config.min_segment_share:.0%}")
    note = f" ({'; '.join(notes)})" if notes else ""
    best = max(eligible, key=lambda c: (c.silhouette, -c.k))
    tied = [c for c in eligible if c.silhouette >= best.silhouette - config.silhouette_tolerance]
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
    stable_note = f", stable (mean bootstrap ARI {chosen.stability.ari_mean:.2f})"
    return chosen.k, reason + stable_note + note


@dataclass(frozen=True)
class PreviousRun:
    """The latest earlier run that new clusters are matched to (see segment_matching)."""

    as_of_date: str
    centroids: pd.DataFrame  # segment_id, segment_name, segment_archetype, feature_name,
    #                          centroid_value (transformed feature units)
    highest_segment_id: int


@dataclass(frozen=True)
class NamingVocabulary:
    archetypes: pd.DataFrame | None = None
    descriptors: pd.DataFrame | None = None


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

    def to_frame(self) -> pd.DataFrame:
        """One long table, a row kind per part, for the dbt Python model to return."""
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
            if len(part)
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


def fit_segments(
    features: pd.DataFrame,
    config: SegmentationConfig,
    vocabulary: NamingVocabulary | None = None,
    previous: PreviousRun | None = None,
    as_of_date: str | None = None,
) -> SegmentationFit:
    """Choose k, fit K-means on a fixed-size sample, assign every customer, keep ids and names
    of the previous run where clusters match, then measure and explain the result.

    OpenMP and BLAS are held to one thread: their worker threads spin-wait, and against
    DuckDB's threads in the same build the hundreds of small bootstrap fits and the distance
    products of k-means++ then ran many times slower (a test file 182 s instead of 23 s)."""
    with threadpool_limits(limits=1):
        return _fit_segments(features, config, vocabulary, previous, as_of_date)


def _fit_segments(features, config, vocabulary, previous, as_of_date) -> SegmentationFit:
    vocabulary = vocabulary or NamingVocabulary()
    prepared = prepare_features(features, config)
    raw = features.sort_values(ID_COLUMN, kind="mergesort").reset_index(drop=True)
    n_rows = len(prepared.customer_ids)
    stability = None
    if n_rows < 2 or not prepared.used:
        labels, centers, k_selection = _single_segment(prepared)
    else:
        fit_rows = sample_rows(n_rows, config.fit_sample_size, config.seed)
        fit_matrix = prepared.matrix[fit_rows]
        # Silhouette needs fewer segments than distinct points; tiny inputs get a shorter range.
        distinct_points = len(np.unique(fit_matrix, axis=0))
        ks = [k for k in range(config.k_min, config.k_max + 1) if k < distinct_points] or [1]
        references = reference_silhouettes(fit_matrix, ks, config)
        candidates = [evaluate_k(fit_matrix, k, config, references[k]) for k in ks]
        chosen_k, reason = choose_k(candidates, config)
        chosen = next(c for c in candidates if c.k == chosen_k)
        labels, centers = chosen.model.predict(prepared.matrix), chosen.model.cluster_centers_
        k_selection = _k_selection_frame(candidates, chosen_k, reason, len(fit_rows), config)
        stability = chosen.stability

    if stability is None:  # one segment: nothing to match or name by profile
        ids, match = {0: 1}, SegmentMatch([None], [None], pd.DataFrame())
        highest_id = max(1, previous.highest_segment_id if previous is not None else 1)
        single = SegmentName(SINGLE_SEGMENT_ARCHETYPE, SINGLE_SEGMENT_ARCHETYPE)
        inherited = {1: single}
    else:
        ids, match, highest_id = _segment_ids(raw, labels, centers, prepared, previous, config)
        inherited = _inherited_names(ids, match, previous)
    segment_ids = np.array([ids[label] for label in labels], dtype=np.int64)
    centroid_frame = _centroid_frame(centers, ids, prepared)
    names = name_segments(
        centroid_frame, vocabulary.archetypes, vocabulary.descriptors, inherited=inherited
    )
    centroid_frame["segment_name"] = centroid_frame["segment_id"].map(
        lambda s: names[s].segment_name
    )
    distances = np.linalg.norm(prepared.matrix - centers[labels], axis=1)
    assignments = pd.DataFrame(
        {
            ID_COLUMN: prepared.customer_ids,
            "segment_id": segment_ids,
            "segment_name": [names[s].segment_name for s in segment_ids],
            "segment_archetype": [names[s].archetype for s in segment_ids],
            "distance_to_centroid": distances,
        }
    )
    has_previous = previous is not None and not previous.centroids.empty
    segments = _segment_frame(
        prepared, segment_ids, centers, ids, names, match, has_previous, config
    )
    if stability is not None:
        for label, segment_id in ids.items():
            row = segments["segment_id"] == segment_id
            segments.loc[row, "bootstrap_jaccard_mean"] = stability.jaccard_mean(label)
            segments.loc[row, "bootstrap_jaccard_min"] = stability.jaccard_min(label)
    test_rows = sample_rows(n_rows, config.stability_sample_size, config.seed)
    feature_tests = kruskal_wallis_tests(raw.iloc[test_rows], segment_ids[test_rows], prepared.used)
    feature_tests["is_key_feature"] = feature_tests["feature_name"].isin(config.key_features)
    rules = (
        explain_segments(
            raw,
            segment_ids,
            prepared.used,
            RuleConfig(
                max_depth=config.rule_max_depth,
                min_leaf_share=config.rule_min_leaf_share,
                sample_size=config.fit_sample_size,
                seed=config.seed,
            ),
            segment_names={s: n.segment_name for s, n in names.items()},
        ).rename(columns={"precision": "rule_precision", "depth": "rule_depth"})
        if n_rows
        else pd.DataFrame(columns=["rule_id", "rule_scope", "rule_precision"])
    )
    run = _run_frame(
        prepared, config, k_selection, segments, rules, match, previous, highest_id, as_of_date
    ).assign(distance_p95=float(np.percentile(distances, 95)) if n_rows else np.nan)
    return SegmentationFit(
        assignments=assignments,
        k_selection=k_selection,
        features=prepared.treatment,
        centroids=centroid_frame,
        segments=segments,
        feature_tests=feature_tests,
        rules=rules,
        vanished=match.vanished,
        run=run,
    )


def _single_segment(prepared: PreparedFeatures):
    """Fewer than two customers, or no feature that varies: nothing to separate, so everyone
    (possibly no one) is in one segment, and the k-selection row says why."""
    reasons = prepared.treatment.set_index("feature_name")["feature_drop_reason"].dropna()
    why = (
        f"{len(prepared.customer_ids)} scored customer(s)"
        if len(prepared.customer_ids) < 2
        else f"no usable feature ({len(reasons)} dropped: null or constant)"
    )
    labels = np.zeros(len(prepared.customer_ids), dtype=np.int64)
    centers = np.zeros((1, len(prepared.used)))
    k_selection = pd.DataFrame(
        [
            {
                "k": 1,
                "inertia": float((prepared.matrix**2).sum()),
                "smallest_segment_share": 1.0,
                "is_chosen": True,
                "is_elbow": False,
                "selection_reason": f"nothing to separate ({why}): one segment",
                "fit_customer_count": len(prepared.customer_ids),
                "silhouette_sample_size": 0,
                "stability_sample_size": 0,
                "stability_resamples": 0,
            }
        ]
    )
    return labels, centers, k_selection


def _k_selection_frame(candidates, chosen_k, reason, fit_count, config) -> pd.DataFrame:
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
                "bootstrap_ari_mean": c.stability.ari_mean,
                "bootstrap_ari_min": c.stability.ari_min,
                "is_elbow": c.k == knee,
                "has_cluster_structure": c.has_structure(config.silhouette_tolerance),
                "is_chosen": c.k == chosen_k,
                "selection_reason": reason if c.k == chosen_k else None,
                "fit_customer_count": fit_count,
                "silhouette_sample_size": c.silhouette_sample_size,
                "stability_sample_size": c.stability_sample_size,
                "stability_resamples": config.stability_resamples,
            }
            for c in candidates
        ]
    )


def _segment_ids(raw, labels, centers, prepared, previous, config):
    """{cluster label: segment id}, the match to the previous run, and the highest id so far.

    First run: ids by mean monetary value (raw units), highest first, ties by centroid. Later
    runs: matched clusters keep their earlier id; new ones get ids above the highest ever used,
    in the same monetary order."""
    ordering = pd.to_numeric(raw[ORDERING_COLUMN], errors="coerce").to_numpy(float)
    order_keys = {}
    for label in range(len(centers)):
        in_segment = ordering[labels == label]
        mean_value = float(np.nanmean(in_segment)) if np.isfinite(in_segment).any() else -np.inf
        order_keys[label] = (-mean_value, tuple(np.round(centers[label], 9)))
    by_value = sorted(range(len(centers)), key=order_keys.__getitem__)
    if previous is None or previous.centroids.empty:
        match = SegmentMatch([None] * len(centers), [None] * len(centers), pd.DataFrame())
        ids = {label: rank + 1 for rank, label in enumerate(by_value)}
        return ids, match, len(centers)
    scaler = prepared.treatment.set_index("feature_name").loc[prepared.used]
    match = match_to_previous(
        centers,
        prepared.used,
        scaler["scaler_mean"].to_numpy(float),
        scaler["scaler_scale"].to_numpy(float),
        previous.centroids,
        config.max_match_distance_ratio,
    )
    ids, next_id = {}, previous.highest_segment_id + 1
    for label in by_value:
        if match.previous_ids[label] is not None:
            ids[label] = match.previous_ids[label]
        else:
            ids[label], next_id = next_id, next_id + 1
    return ids, match, max(previous.highest_segment_id, *ids.values())


def _inherited_names(ids, match, previous) -> dict[int, SegmentName]:
    if previous is None or previous.centroids.empty:
        return {}
    earlier = previous.centroids.drop_duplicates("segment_id").set_index("segment_id")
    return {
        ids[label]: SegmentName(
            earlier.at[previous_id, "segment_name"], earlier.at[previous_id, "segment_archetype"]
        )
        for label, previous_id in enumerate(match.previous_ids)
        if previous_id is not None
    }


def _centroid_frame(centers, ids, prepared) -> pd.DataFrame:
    """Long centroids, in z-scores and in transformed feature units (what a later run or an
    assignment in SQL needs: value = z * scaler_scale + scaler_mean)."""
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
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["segment_id", "feature_name"], ignore_index=True
    )


def _segment_frame(
    prepared, segment_ids, centers, ids, names, match, has_previous, config
) -> pd.DataFrame:
    """Per segment: silhouette of its members (stratified sample), nearest other centroid,
    and whether it continues an earlier run's segment."""
    sample = stratified_sample(segment_ids, config.silhouette_sample_size, config.seed)
    silhouettes = silhouette_by_segment(prepared.matrix[sample], segment_ids[sample])
    nearest, nearest_distance = nearest_centroids(centers)
    label_of = {segment_id: label for label, segment_id in ids.items()}
    rows = []
    for segment_id in sorted(label_of):
        label = label_of[segment_id]
        matched = match.previous_ids[label]
        rows.append(
            {
                "segment_id": segment_id,
                "segment_name": names[segment_id].segment_name,
                "segment_archetype": names[segment_id].archetype,
                "segment_silhouette_score": silhouettes.get(segment_id, np.nan),
                "nearest_segment_id": ids[int(nearest[label])] if nearest[label] >= 0 else None,
                "nearest_centroid_distance": nearest_distance[label],
                "bootstrap_jaccard_mean": np.nan,
                "bootstrap_jaccard_min": np.nan,
                "match_status": (
                    "first_run" if not has_previous else "matched" if matched is not None else "new"
                ),
                "match_distance": match.distances[label],
            }
        )
    return pd.DataFrame.from_records(rows)


def _run_frame(
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
                            "mean": r.scaler_mean,
                            "scale": r.scaler_scale,
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
            }
        ]
    )
