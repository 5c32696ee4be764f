"""Feature weights from the data: sparse K-means (Witten & Tibshirani 2010, "A framework for
feature selection in clustering", JASA 105:713-726), as in their R package sparcl.

Plain K-means gives every standardised feature the same say, so twenty features without group
structure (an age, a survey score) drown the few that carry it. Sparse K-means maximises the
weighted between-cluster sum of squares, sum_j w_j * BCSS_j, over clusters and weights with
||w||_2 <= 1, ||w||_1 <= s, w >= 0: features whose between-cluster share is small get a weight
of zero, the others a weight in proportion to it. It alternates two steps: K-means on the
features scaled by sqrt(w), then the weights in closed form (soft-thresholded BCSS, normalised).

The bound s (1 < s <= sqrt(p): from a few features to all of them equally) is chosen by the
permutation gap statistic of the same paper: the objective on the data against the objective
on copies whose columns are permuted independently (which keeps every feature's distribution
and destroys the joint structure that groups make); the s with the largest gap wins. Weights
are never set by hand or per data set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans

# Relative change of the weights below which the alternation has converged (sparcl: 1e-4).
WEIGHT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class SparseFit:
    labels: np.ndarray
    weights: np.ndarray  # one per feature, >= 0, unit L2 norm
    objective: float  # sum_j w_j * BCSS_j


@dataclass(frozen=True)
class BoundChoice:
    """The tuned bound and what the gap statistic saw at every bound tried."""

    bound: float
    weights: np.ndarray
    bounds: np.ndarray
    gaps: np.ndarray
    gap_sds: np.ndarray

    @property
    def gap(self) -> float:
        return float(self.gaps[list(self.bounds).index(self.bound)])


def between_cluster_sums(matrix: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per feature: total minus within-cluster sum of squares."""
    total = ((matrix - matrix.mean(axis=0)) ** 2).sum(axis=0)
    within = np.zeros(matrix.shape[1])
    for label in np.unique(labels):
        members = matrix[labels == label]
        within += ((members - members.mean(axis=0)) ** 2).sum(axis=0)
    return total - within


def bounded_weights(scores: np.ndarray, bound: float) -> np.ndarray:
    """argmax_w w.scores subject to ||w||_2 <= 1, ||w||_1 <= bound, w >= 0: the positive part
    of the scores, soft-thresholded by the smallest delta that meets the L1 bound (found by
    bisection, as sparcl does), then scaled to unit length."""
    positive = np.maximum(scores, 0.0)
    if not positive.any():
        return np.full(len(scores), 1 / np.sqrt(len(scores)))
    weights = positive / np.linalg.norm(positive)
    if weights.sum() <= bound:
        return weights
    low, high = 0.0, float(positive.max())
    for _ in range(60):
        delta = (low + high) / 2
        shrunk = np.maximum(positive - delta, 0.0)
        norm = np.linalg.norm(shrunk)
        if norm > 0 and (shrunk / norm).sum() > bound:
            low = delta
        else:
            high = delta
    shrunk = np.maximum(positive - high, 0.0)
    if not shrunk.any():  # tied top scores, all thresholded away: keep those, equally
        shrunk = (positive == positive.max()).astype(float)
    return shrunk / np.linalg.norm(shrunk)


def sparse_kmeans(
    matrix: np.ndarray,
    k: int,
    bound: float,
    *,
    n_init: int,
    seed: int,
    max_iter: int = 6,
    initial_weights: np.ndarray | None = None,
) -> SparseFit:
    """Alternate K-means on sqrt(w)-scaled features and the weight update until the weights
    settle (or max_iter rounds: sparcl stops at 6)."""
    n_features = matrix.shape[1]
    weights = (
        np.full(n_features, 1 / np.sqrt(n_features)) if initial_weights is None else initial_weights
    )
    labels = np.zeros(len(matrix), dtype=np.int64)
    for _ in range(max_iter):
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
        labels = model.fit_predict(matrix * np.sqrt(weights))
        updated = bounded_weights(between_cluster_sums(matrix, labels), bound)
        change = np.abs(updated - weights).sum() / np.abs(weights).sum()
        weights = updated
        if change < WEIGHT_TOLERANCE:
            break
    objective = float((weights * between_cluster_sums(matrix, labels)).sum())
    return SparseFit(labels, weights, objective)


def bound_grid(n_features: int, count: int) -> np.ndarray:
    """Bounds from 1.1 (about one feature) to sqrt(p) (every feature equally), as sparcl's
    default grid, with `count` points; one point when there is nothing to choose."""
    top = np.sqrt(n_features)
    if n_features < 2 or top <= 1.1:
        return np.array([top])
    return np.linspace(1.1, top, count)


def choose_bound(gaps: np.ndarray, gap_sds: np.ndarray) -> int:
    """Among bounds whose gap is within one standard deviation of the best gap (noise, as far
    as the permutations can tell), the largest: a feature loses its weight only when the data
    say it carries no structure, not when dropping it merely ties."""
    best = int(np.argmax(gaps))
    return int(max(np.flatnonzero(gaps >= gaps[best] - gap_sds[best])))


def tune_bound(
    matrix: np.ndarray, k: int, *, count: int, permutations: int, n_init: int, seed: int
) -> BoundChoice:
    """The bound chosen by the permutation gap, log O(s) - mean_b log O*_b(s) (`choose_bound`),
    and the weights sparse K-means gives with it on `matrix` (a fixed-size sample, so the cost does
    not grow with the customer base). Bounds are tried smallest first, each warm-started from
    the previous bound's weights."""
    bounds = bound_grid(matrix.shape[1], count)
    rng = np.random.default_rng([seed, k])
    permuted = [
        np.column_stack([rng.permutation(column) for column in matrix.T])
        for _ in range(permutations)
    ]
    gaps, gap_sds, weights_by_bound = [], [], []
    previous = [None] * (permutations + 1)
    for bound in bounds:
        fits = []
        for position, data in enumerate([matrix, *permuted]):
            # The permuted copies only estimate a null level: one start each is enough.
            fit = sparse_kmeans(
                data,
                k,
                bound,
                n_init=n_init if position == 0 else 1,
                seed=seed,
                initial_weights=previous[position],
            )
            previous[position] = fit.weights
            fits.append(fit)
        null = np.log([max(fit.objective, 1e-12) for fit in fits[1:]])
        gaps.append(np.log(max(fits[0].objective, 1e-12)) - null.mean())
        gap_sds.append(null.std())
        weights_by_bound.append(fits[0].weights)
    best = choose_bound(np.asarray(gaps), np.asarray(gap_sds))
    return BoundChoice(
        bound=float(bounds[best]),
        weights=weights_by_bound[best],
        bounds=bounds,
        gaps=np.asarray(gaps),
        gap_sds=np.asarray(gap_sds),
    )
