"""Which number of segments: every candidate k measured, and the documented rule that picks one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.prepare import sample_rows
from customer_segmentation.segmentation.stability import Stability, bootstrap_stability
from customer_segmentation.segmentation.validation import stratified_sample


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
