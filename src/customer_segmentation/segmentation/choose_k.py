"""Which number of segments: every candidate k measured on fixed-size samples, and the
documented rule that picks one (the doc block `segmentation_k_rule` says the same in words).

For each k the features get their weights (`weights.feature_weights`: equal by default, or sparse
K-means weights tuned for that k), K-means is fitted in that weighted space, and three checks
are made, the same three `segment_validation` reports for the chosen segments:
- distinct: the silhouette beats, by `silhouette_tolerance`, the silhouette K-means reaches on
  one structureless Gaussian population with the data's covariance (K-means always finds
  *some* partition, so a silhouette means structure only when it beats this reference);
- stable: prediction strength (Tibshirani & Walther 2005, "Cluster validation by prediction
  strength", JCGS 14:511-528) at least `min_prediction_strength`: fit k segments on one half
  of a sample, k on the other, and ask how often pairs that the second half puts together
  the first half's centroids put together too (the worst segment counts). It is a mean over
  random splits; with `prediction_strength_bound: lower_bound` (method 6) that mean minus its
  standard error over the splits must reach the threshold, so a k that clears it by less
  than the split-to-split noise does not count as stable (Breiman et al.'s one-standard-error
  principle, as in the gap statistic of Tibshirani, Walther & Hastie 2001);
- targetable: every segment holds at least `min_segment_share` of customers.

The rule: the largest k >= 3 that passes all three (Tibshirani and Walther's own rule is the
largest k whose prediction strength clears the threshold: beyond the true number of groups,
some group must be split, and halves of the data split it differently). k = 2 only when no
k >= 3 passes and k = 2 does; the reason then names each k >= 3 with the check it failed and
its figure. When nothing passes, the fallbacks say so in the reason (see `choose_k`).

Bootstrap stability (Hennig's per-segment Jaccard and the ARI of refits on resamples, what
`segment_validation` reports) is measured for the chosen k only (`measure_stability`): it
costs twenty refits, and prediction strength already judges every k.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.stability import prediction_strength
from customer_segmentation.segmentation.validation import stratified_sample
from customer_segmentation.segmentation.weights import feature_weights


@dataclass
class KCandidate:
    k: int
    weights: np.ndarray  # per used feature: sparse K-means weight (unit L2 norm)
    weight_bound: float
    weight_gap: float
    centers: np.ndarray  # k x features, in standardised (unweighted) units
    inertia: float  # within-segment sum of squares over every standardised feature
    silhouette: float
    reference_silhouette: float
    calinski_harabasz: float
    davies_bouldin: float
    smallest_segment_share: float
    silhouette_sample_size: int
    prediction_strength: float
    space: np.ndarray = field(repr=False)  # the fit sample in this k's weighted space
    labels: np.ndarray = field(repr=False)  # K-means labels of the fit sample
    # Standard error of the prediction strength's mean over the splits (0 for one split).
    prediction_strength_standard_error: float = 0.0

    def stability_figure(self, config: SegmentationConfig) -> float:
        """What the stable check compares with min_prediction_strength."""
        if config.prediction_strength_bound == "lower_bound":
            return self.prediction_strength - self.prediction_strength_standard_error
        return self.prediction_strength

    def has_structure(self, tolerance: float) -> bool:
        """Distinct: silhouette clearly above what one structureless population gives."""
        if np.isnan(self.silhouette):
            return False
        if np.isnan(self.reference_silhouette):
            return True
        return self.silhouette >= self.reference_silhouette + tolerance

    def is_stable(self, config: SegmentationConfig) -> bool:
        return bool(self.stability_figure(config) >= config.min_prediction_strength)

    def is_targetable(self, config: SegmentationConfig) -> bool:
        return self.smallest_segment_share >= config.min_segment_share

    def failed_checks(self, config: SegmentationConfig) -> list[str]:
        """Each failed check with its figure, in words; empty when k passes."""
        failed = []
        if not self.has_structure(config.silhouette_tolerance):
            failed.append(
                f"not distinct (silhouette {self.silhouette:.3f} vs "
                f"{self.reference_silhouette:.3f} for one population)"
            )
        if not self.is_stable(config):
            figure = f"prediction strength {self.prediction_strength:.3f}"
            if config.prediction_strength_bound == "lower_bound":
                figure += (
                    f" - standard error {self.prediction_strength_standard_error:.3f} = "
                    f"{self.stability_figure(config):.3f}"
                )
            failed.append(f"not stable ({figure} < {config.min_prediction_strength})")
        if not self.is_targetable(config):
            failed.append(
                f"not targetable (smallest segment {self.smallest_segment_share:.1%} < "
                f"{config.min_segment_share:.0%})"
            )
        return failed


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


def weighted(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The space K-means works in: squared distances are sum_j w_j (x_j - y_j)^2."""
    return matrix * np.sqrt(weights)


def nearest_center(matrix: np.ndarray, centers: np.ndarray, weights: np.ndarray):
    """Each row's nearest centre (ties to the lower index) and its weighted distance."""
    points, anchors = weighted(matrix, weights), weighted(centers, weights)
    squared = (
        (points**2).sum(axis=1)[:, None]
        - 2 * points @ anchors.T
        + (anchors**2).sum(axis=1)[None, :]
    )
    labels = squared.argmin(axis=1)
    own = ((points - anchors[labels]) ** 2).sum(axis=1)  # exact, not the expanded form
    return labels, np.sqrt(own)


def member_means(matrix: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return np.vstack([matrix[labels == label].mean(axis=0) for label in range(k)])


def reference_silhouette(matrix: np.ndarray, k: int, config: SegmentationConfig) -> float:
    """Silhouette that K-means reaches on one structureless population: a Gaussian sample with
    the (weighted) data's covariance, of the silhouette sample's size."""
    rng = np.random.default_rng([config.seed, 7, k])
    size = min(len(matrix), config.silhouette_sample_size)
    if k < 2 or k >= size:
        return np.nan
    covariance = np.atleast_2d(np.cov(matrix, rowvar=False))
    reference = rng.multivariate_normal(np.zeros(matrix.shape[1]), covariance, size=size)
    model = KMeans(n_clusters=k, n_init=config.stability_n_init, random_state=config.seed)
    return float(silhouette_score(reference, model.fit_predict(reference)))


def evaluate_k(matrix: np.ndarray, k: int, config: SegmentationConfig) -> KCandidate:
    """Weight the features for k, fit K-means in that space on the fit sample, and measure:
    silhouette on a stratified sample of fixed size and its structureless reference,
    Calinski-Harabasz, Davies-Bouldin, smallest segment, prediction strength and bootstrap
    stability, all in the weighted space the segments live in."""
    choice = feature_weights(matrix, k, config)
    space = weighted(matrix, choice.weights)
    model = KMeans(n_clusters=k, n_init=config.n_init, random_state=config.seed).fit(space)
    labels = model.labels_
    centers = member_means(matrix, labels, k)
    sizes = np.bincount(labels, minlength=k)
    separable = len(np.unique(labels)) > 1
    silhouette_rows = stratified_sample(labels, config.silhouette_sample_size, config.seed)
    strength, strength_error = prediction_strength(space, k, config)
    return KCandidate(
        k=k,
        weights=choice.weights,
        weight_bound=choice.bound,
        weight_gap=choice.gap,
        centers=centers,
        inertia=float(((matrix - centers[labels]) ** 2).sum()),
        silhouette=(
            float(silhouette_score(space[silhouette_rows], labels[silhouette_rows]))
            if separable
            else np.nan
        ),
        reference_silhouette=reference_silhouette(space, k, config),
        calinski_harabasz=float(calinski_harabasz_score(space, labels)) if separable else np.nan,
        davies_bouldin=float(davies_bouldin_score(space, labels)) if separable else np.nan,
        smallest_segment_share=float(sizes.min() / len(labels)),
        silhouette_sample_size=len(silhouette_rows),
        prediction_strength=strength,
        space=space,
        labels=labels,
        prediction_strength_standard_error=strength_error,
    )


@dataclass(frozen=True)
class KChoice:
    k: int  # the k fitted
    rule_k: int  # the k the rule picks (differs from k when the var segment_count is set)
    reason: str


def choose_k(candidates: Sequence[KCandidate], config: SegmentationConfig) -> KChoice:
    """The rule (module docstring), or the user's segment_count with what it costs."""
    failures = {c.k: c.failed_checks(config) for c in candidates}
    passing = [c for c in candidates if not failures[c.k]]
    rule_k, reason = _rule(candidates, passing, failures, config)
    if config.segment_count is None:
        return KChoice(rule_k, rule_k, reason)
    asked = next(c for c in candidates if c.k == config.segment_count)
    cost = "; ".join(failures[asked.k]) or "it passes every check"
    return KChoice(
        asked.k,
        rule_k,
        f"k={asked.k} set by the var segment_count ({cost}); the rule would choose "
        f"k={rule_k}: {reason}",
    )


def _rule(candidates, passing, failures, config) -> tuple[int, str]:
    def strength(c: KCandidate) -> str:
        if config.prediction_strength_bound == "lower_bound":
            return f"{c.prediction_strength:.2f} ± {c.prediction_strength_standard_error:.2f}"
        return f"{c.prediction_strength:.2f}"

    def figures(c: KCandidate) -> str:
        return (
            f"silhouette {c.silhouette:.3f} vs {c.reference_silhouette:.3f} for one "
            f"population, prediction strength {strength(c)}, smallest segment "
            f"{c.smallest_segment_share:.1%}"
        )

    def failed(ks) -> str:
        return "; ".join(f"k={k} {', '.join(failures[k])}" for k in ks)

    larger = [c for c in passing if c.k >= 3]
    if larger:
        chosen = max(larger, key=lambda c: c.k)
        above = [c.k for c in candidates if c.k > chosen.k]
        beyond = f"; above it, {failed(above)}" if above else ""
        return chosen.k, (
            f"the largest k that is distinct, stable and targetable ({figures(chosen)}){beyond}"
        )
    three_up = [c.k for c in candidates if c.k >= 3]
    if passing:  # only k = 2
        chosen = passing[0]
        why = f": {failed(three_up)}" if three_up else " in the configured range"
        return chosen.k, (f"k=2 ({figures(chosen)}), since no k >= 3 passes{why}")
    # On a few dozen customers the larger k cannot be split into halves big enough to measure
    # their stability, and silhouettes grow as segments shrink to one or two customers: a k
    # whose stability is unknown is no candidate for "the most stable".
    measured = [c for c in candidates if np.isfinite(c.stability_figure(config))]
    if not measured:
        chosen = min(candidates, key=lambda c: c.k)
        return chosen.k, (
            f"too few customers to measure stability: prediction strength could not be "
            f"computed for any k; k={chosen.k}, the fewest segments"
        )
    targetable = [c for c in measured if c.is_targetable(config)] or measured
    distinct = [c for c in targetable if c.has_structure(config.silhouette_tolerance)]
    pool = distinct or targetable
    chosen = max(pool, key=lambda c: (round(float(c.stability_figure(config)), 3), -c.k))
    unmeasured = sorted({c.k for c in candidates} - {c.k for c in measured})
    among = (
        f"whose stability could be measured (not k={', '.join(map(str, unmeasured))}) "
        if unmeasured
        else ""
    )
    if not distinct:
        return chosen.k, (
            f"no cluster structure: no k {among}beats a single population's silhouette by "
            f"{config.silhouette_tolerance}; k={chosen.k} is the most stable (prediction "
            f"strength {strength(chosen)}), so treat segments as tiers of one "
            f"population"
        )
    return chosen.k, (
        f"weak structure: no k passes every check ({failed([c.k for c in candidates])}); "
        f"k={chosen.k} is the most stable distinct, targetable k ({figures(chosen)})"
    )
