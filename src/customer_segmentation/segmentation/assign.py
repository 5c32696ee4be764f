"""Who goes where at the chosen k: K-means' nearest centroid, or a linear rule that measures
distance in units of the spread within segments (segmentation.refine: classification EM,
method 5, or the shared-covariance mixture of method 4), whichever the settings and the data
allow, with its bootstrap stability and a note that says which decided and why."""

from __future__ import annotations

import numpy as np

from customer_segmentation.segmentation.choose_k import member_means, nearest_center, weighted
from customer_segmentation.segmentation.refine import DISCRIMINANTS, Discriminant
from customer_segmentation.segmentation.stability import measure_stability

# How selection_reason names each rule: what it did, and the rule itself.
RULE_OUTCOMES = {
    "classification_em": "nearest segment in units of the spread within segments "
    "(classification EM with a shared covariance)",
    "shared_covariance": "most probable segment of a shared-covariance mixture",
}
RULE_NAMES = {
    "classification_em": "the classification-EM rule",
    "shared_covariance": "the shared-covariance mixture",
}


def assign_segments(matrix, fit_rows, candidates, chosen, config):
    """Who goes where at the chosen k: labels, centres, their bootstrap stability, the
    shared-covariance rule (None where the nearest centroid decides) and a note saying which.

    The rule (segmentation.refine) is kept when its segments come back when refitted on
    resampled customers: each with a mean bootstrap Jaccard of at least min_segment_jaccard
    (what segment_validation calls stable), or, failing that, a least stable segment still more
    stable than K-means' own. On the public exports (Online Retail, marketing_campaign, CDNOW)
    the mixture's EM from resampled starts settled elsewhere (least Jaccard 0.14-0.73 against
    K-means' 0.88-0.94), and segments marketing cannot rely on are worse than K-means' rounder
    ones. Not tried where no k has any structure (tiers of one population: the rule models
    groups)."""
    has_groups = any(c.has_structure(config.silhouette_tolerance) for c in candidates)
    if config.segment_assignment not in DISCRIMINANTS:
        note = "nearest centroid (segment_assignment: nearest_centroid)"
    elif not has_groups:
        note = "nearest centroid (no group structure for a shared covariance to model)"
    elif (rule := _shared_covariance(matrix[fit_rows], chosen, config)) is None:
        note = f"nearest centroid ({RULE_NAMES[config.segment_assignment]} failed)"
    else:
        mixed = rule.predict(matrix)
        mixed_stability = measure_stability(chosen, config, mixed[fit_rows])
        mixed_jaccard = _least_jaccard(mixed_stability, chosen.k)
        mixture = (mixed, member_means(matrix, mixed, chosen.k), mixed_stability, rule)
        if mixed_jaccard >= config.min_segment_jaccard:
            return *mixture, RULE_OUTCOMES[config.segment_assignment]
        stability = measure_stability(chosen, config)
        jaccard = _least_jaccard(stability, chosen.k)
        if mixed_jaccard > jaccard:
            return *mixture, (
                f"{RULE_OUTCOMES[config.segment_assignment]} (its least stable segment, "
                f"bootstrap Jaccard {mixed_jaccard:.2f}, beats K-means' {jaccard:.2f})"
            )
        note = (
            f"nearest centroid ({RULE_NAMES[config.segment_assignment]}'s least stable segment has "
            f"bootstrap Jaccard {mixed_jaccard:.2f} < {config.min_segment_jaccard}; "
            f"K-means' {jaccard:.2f})"
        )
        return _nearest_centroid(matrix, chosen, stability, note)
    return _nearest_centroid(matrix, chosen, measure_stability(chosen, config), note)


def _nearest_centroid(matrix, chosen, stability, note):
    """K-means' own assignment, computed only where it decides."""
    labels, _ = nearest_center(matrix, chosen.centers, chosen.weights)
    return labels, chosen.centers, stability, None, note


def _least_jaccard(stability, k: int) -> float:
    return min(stability.jaccard_mean(label) for label in range(k))


def _shared_covariance(fit_matrix, chosen, config) -> Discriminant | None:
    """The shared-covariance rule for the chosen k, or None when EM did not converge or a
    segment would fall below min_segment_share of the fit sample (the rule k was chosen by)."""
    rule = DISCRIMINANTS[config.segment_assignment](
        chosen.space,
        weighted(chosen.centers, chosen.weights),
        np.sqrt(chosen.weights),
        config.covariance_floor,
        config.seed,
    )
    if rule is None:
        return None
    sizes = np.bincount(rule.predict(fit_matrix), minlength=chosen.k)
    return rule if sizes.min() >= config.min_segment_share * len(fit_matrix) else None
