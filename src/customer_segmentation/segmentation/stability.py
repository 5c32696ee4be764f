"""How much segments depend on which customers happened to be in the data.

Bootstrap stability (Hennig 2007, "Cluster-wise assessment of cluster stability"): refit
K-means on resamples drawn with replacement from a fixed-size sample of customers, assign
every sampled customer with each refit, and compare with the reference assignment:
- adjusted Rand index (ARI) for the whole partition (1 = identical, 0 = chance);
- per reference segment, the best Jaccard overlap with any refit segment, averaged over
  resamples. Hennig reads a mean Jaccard below 0.5 as a dissolved cluster, 0.6-0.75 as a
  pattern without a clear boundary, and above 0.75 as a stable cluster (above 0.85: highly).
The sample has a fixed size so the cost does not grow with the number of customers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.prepare import sample_rows
from customer_segmentation.segmentation.refine import DISCRIMINANTS

if TYPE_CHECKING:
    from customer_segmentation.segmentation.choose_k import KCandidate


@dataclass(frozen=True)
class Stability:
    ari: np.ndarray  # one value per resample
    jaccard: np.ndarray  # resamples x reference segments: best overlap per segment

    @property
    def ari_mean(self) -> float:
        return float(self.ari.mean()) if self.ari.size else float("nan")

    @property
    def ari_min(self) -> float:
        return float(self.ari.min()) if self.ari.size else float("nan")

    def jaccard_mean(self, label: int) -> float:
        return float(self.jaccard[:, label].mean()) if self.jaccard.size else float("nan")

    def jaccard_min(self, label: int) -> float:
        return float(self.jaccard[:, label].min()) if self.jaccard.size else float("nan")


def best_jaccard(reference: np.ndarray, other: np.ndarray, n_reference: int) -> np.ndarray:
    """For each reference label 0..n_reference-1, the highest Jaccard index with any label
    of `other` (0 for a reference label with no members)."""
    ref_values, ref_index = np.unique(reference, return_inverse=True)
    table = contingency_matrix(ref_index, other)
    ref_sizes = table.sum(axis=1, keepdims=True)
    other_sizes = table.sum(axis=0, keepdims=True)
    union = ref_sizes + other_sizes - table
    jaccard = np.divide(table, union, out=np.zeros(table.shape), where=union > 0).max(axis=1)
    result = np.zeros(n_reference)
    result[ref_values] = jaccard
    return result


def bootstrap_stability(
    matrix: np.ndarray,
    reference_labels: np.ndarray,
    k: int,
    resamples: int,
    n_init: int,
    seed: int,
    refine: Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray] | None]
    | None = None,
) -> Stability:
    """Refit k-means `resamples` times on bootstrap resamples of `matrix` and compare.

    `refine(resample, kmeans_centres)`, when given, is the rest of the method: it returns the
    function that assigns customers after the refit (or None to keep K-means' own), so the
    stability measured is that of the segments the method really produces."""
    n_rows = len(matrix)
    if k < 2 or n_rows <= k or resamples < 1:
        return Stability(np.ones(max(resamples, 0)), np.ones((max(resamples, 0), max(k, 1))))
    aris, jaccards = [], []
    for resample in range(resamples):
        rng = np.random.default_rng([seed, resample])
        rows = rng.integers(0, n_rows, size=n_rows)
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed + resample + 1)
        model.fit(matrix[rows])
        assign = refine(matrix[rows], model.cluster_centers_) if refine is not None else None
        labels = assign(matrix) if assign is not None else model.predict(matrix)
        aris.append(adjusted_rand_score(reference_labels, labels))
        jaccards.append(best_jaccard(reference_labels, labels, k))
    return Stability(np.asarray(aris), np.vstack(jaccards))


def measure_stability(
    candidate: KCandidate, config: SegmentationConfig, labels: np.ndarray | None = None
) -> Stability:
    """Bootstrap stability of the chosen k on a fixed-size sample of the fit sample. `labels`
    are the fit sample's segments from the shared-covariance rule, and every refit is then
    refined the same way; None: K-means' own segments and refits."""
    rows = sample_rows(len(candidate.space), config.stability_sample_size, config.seed)
    refine = None
    if labels is not None:

        def refine(resample, centres):
            scale = np.ones(resample.shape[1])
            rule = DISCRIMINANTS[config.segment_assignment](
                resample, centres, scale, config.covariance_floor, config.seed
            )
            return None if rule is None else rule.predict

    reference = candidate.labels if labels is None else labels
    return bootstrap_stability(
        candidate.space[rows],
        reference[rows],
        candidate.k,
        config.stability_resamples,
        config.stability_n_init,
        config.seed,
        refine,
    )


def prediction_strength(
    matrix: np.ndarray, k: int, config: SegmentationConfig
) -> tuple[float, float]:
    """Tibshirani & Walther's prediction strength of k, averaged over random half splits of
    a fixed-size sample: for each segment of the test half, the share of its pairs of members
    whom the training half's centroids also put together; the smallest such share counts.
    Returns the mean over the splits and its standard error (0 with one split)."""
    rows = sample_rows(len(matrix), config.prediction_strength_sample_size, config.seed)
    sample = matrix[rows]
    half = len(sample) // 2
    if half <= k:
        return np.nan, np.nan
    strengths = []
    for split in range(config.prediction_strength_splits):
        order = np.random.default_rng([config.seed, 11, split]).permutation(len(sample))
        train, test = sample[order[:half]], sample[order[half:]]
        seed = config.seed + split
        trained = KMeans(n_clusters=k, n_init=config.stability_n_init, random_state=seed)
        tested = KMeans(n_clusters=k, n_init=config.stability_n_init, random_state=seed)
        predicted = trained.fit(train).predict(test)
        test_labels = tested.fit_predict(test)
        shares = []
        for label in range(k):
            members = predicted[test_labels == label]
            if len(members) < 2:
                continue
            counts = np.bincount(members)
            shares.append((counts * (counts - 1)).sum() / (len(members) * (len(members) - 1)))
        strengths.append(min(shares) if shares else np.nan)
    known = np.array(strengths)[~np.isnan(strengths)]
    if known.size == 0:
        return np.nan, np.nan
    standard_error = known.std(ddof=1) / np.sqrt(known.size) if known.size > 1 else 0.0
    return float(known.mean()), float(standard_error)
