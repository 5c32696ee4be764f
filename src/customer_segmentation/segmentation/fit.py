"""The one K-means fit of a build, called by the dbt Python model `int_segmentation_fit`.

One call fits once and returns everything later tables describe (assignments, the k that
was tried and why one was chosen, how each feature was treated, the centroids), so no other
model has to fit again. Deterministic: rows are sorted by customer_id before any sampling,
and every random step takes the configured seed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from customer_segmentation.segmentation.assign import assign_segments
from customer_segmentation.segmentation.choose_k import choose_k, evaluate_k, weighted
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.frames import (
    SegmentationFit,
    centroid_frame,
    k_selection_frame,
    run_frame,
)
from customer_segmentation.segmentation.matching import PreviousRun, SegmentMatch, match_to_previous
from customer_segmentation.segmentation.names import (
    SINGLE_SEGMENT_ARCHETYPE,
    NamingVocabulary,
    SegmentName,
    name_segments,
)
from customer_segmentation.segmentation.prepare import (
    ID_COLUMN,
    PreparedFeatures,
    prepare_features,
    sample_rows,
)
from customer_segmentation.segmentation.rule_tree import RuleConfig
from customer_segmentation.segmentation.rules import explain_segments
from customer_segmentation.segmentation.validation import (
    kruskal_wallis_tests,
    segment_frame,
)
from customer_segmentation.segmentation.weights import between_segment_shares

# Monetary value orders segment ids: segment 1 is the segment with the highest mean.
ORDERING_COLUMN = "monetary_amount"


def fit_segments(
    features: pd.DataFrame,
    config: SegmentationConfig,
    vocabulary: NamingVocabulary | None = None,
    previous: PreviousRun | None = None,
    as_of_date: str | None = None,
) -> SegmentationFit:
    """Choose k and the feature weights, fit K-means on a fixed-size sample, assign every
    customer, keep ids and names of the previous run where clusters match, then measure and
    explain the result.

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
    stability, discriminant = None, None
    # One segment: every feature counts the same (no k to weigh features for).
    weights = np.full(len(prepared.used), 1 / np.sqrt(max(len(prepared.used), 1)))
    if n_rows < 2 or not prepared.used:
        labels, centers, k_selection = _single_segment(prepared)
    else:
        fit_rows = sample_rows(n_rows, config.fit_sample_size, config.seed)
        fit_matrix = prepared.matrix[fit_rows]
        # Silhouette needs fewer segments than distinct points; tiny inputs get a shorter range.
        distinct_points = len(np.unique(fit_matrix, axis=0))
        ks = _k_range(config, distinct_points)
        candidates = [evaluate_k(fit_matrix, k, config) for k in ks]
        choice = choose_k(candidates, config)
        chosen = next(c for c in candidates if c.k == choice.k)
        weights = chosen.weights
        labels, centers, stability, discriminant, note = assign_segments(
            prepared.matrix, fit_rows, candidates, chosen, config
        )
        choice = replace(choice, reason=f"{choice.reason}; customers to the {note}")
        k_selection = k_selection_frame(candidates, choice, stability, len(fit_rows), config)
    prepared.treatment["feature_weight"] = prepared.treatment["feature_name"].map(
        dict(zip(prepared.used, weights, strict=True))
    )
    prepared.treatment["between_segment_variance_share"] = prepared.treatment["feature_name"].map(
        dict(zip(prepared.used, between_segment_shares(prepared.matrix, labels), strict=True))
    )

    if stability is None:  # one segment: nothing to match or name by profile
        ids, match = {0: 1}, SegmentMatch([None], [None], pd.DataFrame())
        highest_id = max(1, previous.highest_segment_id if previous is not None else 1)
        single = SegmentName(SINGLE_SEGMENT_ARCHETYPE, SINGLE_SEGMENT_ARCHETYPE)
        inherited = {1: single}
    else:
        ids, match, highest_id, kept = _segment_ids(
            raw, labels, centers, weights, prepared, previous, config
        )
        inherited = _inherited_names(match, kept, previous)
    segment_ids = np.array([ids[label] for label in labels], dtype=np.int64)
    centroids = centroid_frame(centers, ids, prepared, discriminant)
    names = name_segments(
        centroids, vocabulary.archetypes, vocabulary.descriptors, inherited=inherited
    )
    centroids["segment_name"] = centroids["segment_id"].map(lambda s: names[s].segment_name)
    distances = np.sqrt((weights * (prepared.matrix - centers[labels]) ** 2).sum(axis=1))
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
    segments = segment_frame(
        weighted(prepared.matrix, weights),
        segment_ids,
        weighted(centers, weights),
        ids,
        names,
        match,
        has_previous,
        config,
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
    run = run_frame(
        prepared, config, k_selection, segments, rules, match, previous, highest_id, as_of_date
    ).assign(distance_p95=float(np.percentile(distances, 95)) if n_rows else np.nan)
    return SegmentationFit(
        assignments=assignments,
        k_selection=k_selection,
        features=prepared.treatment,
        centroids=centroids,
        segments=segments,
        feature_tests=feature_tests,
        rules=rules,
        vanished=match.vanished,
        run=run,
    )


def _k_range(config: SegmentationConfig, distinct_points: int) -> list[int]:
    """The k tried: k_min..k_max (and the k the user asked for), each below the number of
    distinct customers."""
    asked = [] if config.segment_count is None else [config.segment_count]
    wanted = sorted({*range(config.k_min, config.k_max + 1), *asked})
    if asked and config.segment_count >= distinct_points:
        raise ValueError(
            f"segment_count={config.segment_count} needs more than {distinct_points} customers "
            "with distinct features"
        )
    return [k for k in wanted if k < distinct_points] or [1]


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
                "is_rule_choice": True,
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


def _segment_ids(raw, labels, centers, weights, prepared, previous, config):
    """{cluster label: segment id}, the match to the previous run, and the highest id so far.

    No earlier run (the first date of the history): ids by mean monetary value (raw units),
    highest first, ties by centroid, so that date gets the same ids in whatever order the dates
    were built. Later dates: clusters matched to the latest earlier run keep its ids; when this
    date is rebuilt, a cluster that matches none of those but one of the date's own stored
    segments keeps that id; the rest get ids above the highest any stored run of another date
    used, in the same monetary order, so a date built between two stored ones cannot give a
    later run's id to a different segment (matching)."""
    ordering = pd.to_numeric(raw[ORDERING_COLUMN], errors="coerce").to_numpy(float)
    order_keys = {}
    for label in range(len(centers)):
        in_segment = ordering[labels == label]
        mean_value = float(np.nanmean(in_segment)) if np.isfinite(in_segment).any() else -np.inf
        order_keys[label] = (-mean_value, tuple(np.round(centers[label], 9)))
    by_value = sorted(range(len(centers)), key=order_keys.__getitem__)
    match = SegmentMatch([None] * len(centers), [None] * len(centers), pd.DataFrame())
    if previous is None or previous.centroids.empty:  # the first date of the history
        return {label: rank + 1 for rank, label in enumerate(by_value)}, match, len(centers), set()
    scaler = prepared.treatment.set_index("feature_name").loc[prepared.used]

    def matched_to(stored: pd.DataFrame) -> SegmentMatch:
        return match_to_previous(
            centers,
            prepared.used,
            scaler["scaler_mean"].to_numpy(float),
            scaler["scaler_scale"].to_numpy(float),
            weights,
            stored,
            config.max_match_distance_ratio,
        )

    match = matched_to(previous.centroids)
    ids = {label: i for label, i in enumerate(match.previous_ids) if i is not None}
    kept = set()  # ids of this date's stored slice kept on a rebuild
    if not previous.same_date_centroids.empty:
        for label, stored_id in enumerate(matched_to(previous.same_date_centroids).previous_ids):
            if label not in ids and stored_id is not None and stored_id not in ids.values():
                ids[label] = stored_id
                kept.add(stored_id)
    next_id = max([previous.highest_segment_id, *ids.values()]) + 1
    for label in by_value:
        if label not in ids:
            ids[label], next_id = next_id, next_id + 1
    return ids, match, max([previous.highest_segment_id, *ids.values()]), kept


def _inherited_names(match, kept, previous) -> dict[int, SegmentName]:
    """Names of the earlier run's matched segments, and of this date's own stored segments
    whose ids a rebuild kept."""
    if previous is None:
        return {}
    inherited = {}
    for stored, segment_ids in (
        (previous.centroids, {i for i in match.previous_ids if i is not None}),
        (previous.same_date_centroids, kept),
    ):
        if segment_ids:
            names = stored.drop_duplicates("segment_id").set_index("segment_id")
            for segment_id in segment_ids:
                inherited[segment_id] = SegmentName(
                    names.at[segment_id, "segment_name"], names.at[segment_id, "segment_archetype"]
                )
    return inherited
