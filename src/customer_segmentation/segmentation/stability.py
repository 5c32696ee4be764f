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

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix


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
) -> Stability:
    """Refit k-means `resamples` times on bootstrap resamples of `matrix` and compare."""
    n_rows = len(matrix)
    if k < 2 or n_rows <= k or resamples < 1:
        return Stability(np.ones(max(resamples, 0)), np.ones((max(resamples, 0), max(k, 1))))
    aris, jaccards = [], []
    for resample in range(resamples):
        rng = np.random.default_rng([seed, resample])
        rows = rng.integers(0, n_rows, size=n_rows)
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed + resample + 1)
        labels = model.fit(matrix[rows]).predict(matrix)
        aris.append(adjusted_rand_score(reference_labels, labels))
        jaccards.append(best_jaccard(reference_labels, labels, k))
    return Stability(np.asarray(aris), np.vstack(jaccards))
