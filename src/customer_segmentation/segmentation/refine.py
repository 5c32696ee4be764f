"""Segments that need not be round: a rule that measures distance in units of one covariance
matrix shared by the segments, started from the K-means centres of the chosen k, decides who
belongs where. Method 5 finds it by classification EM (`classification_em_discriminant`),
method 4 by a Gaussian mixture's EM (`shared_covariance_discriminant`).

K-means measures every feature in units of its spread over all customers, so a feature that
separates groups sharply counts no more than one that is pure noise, and two correlated
features count twice. A mixture whose components share one full covariance matrix (model
"EEE" in Fraley & Raftery's mclust, 2002; linear discriminant analysis when the groups are
known) measures distance in units of the spread *within* segments instead, learned from the
data by EM: directions along which segments differ count for more, noise and duplicated
directions for less, and segments may differ in size. With a shared covariance the most
probable segment is a linear rule, so it is stored as one coefficient per segment and feature
and one intercept per segment (`segment_centroids.discriminant_coefficient`,
`discriminant_intercept`) and applied in SQL as a sum (macro `assign_to_centroids`).

On eight labelled sets generated after the rule was written down, the mixture raised the
adjusted Rand index against the planted groups over plain K-means at the same k
(bench/results/2026-12-05-tied-refinement-decision.md); on eight more, classification EM raised
it over the mixture (2026-12-05-classification-em-decision.md). A stability gate
(segmentation.assign) keeps K-means where the rule's segments do not come back on resamples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.mixture import GaussianMixture


@dataclass(frozen=True)
class Discriminant:
    """Segment of x (standardised units): argmax over segments of x @ coefficients[k] +
    intercepts[k]."""

    coefficients: np.ndarray  # k x features
    intercepts: np.ndarray  # k

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        return matrix @ self.coefficients.T + self.intercepts

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """The most probable segment (ties to the lower index, as argmax gives)."""
        return self.scores(matrix).argmax(axis=1)


def shared_covariance_discriminant(
    space: np.ndarray, centers: np.ndarray, scale: np.ndarray, covariance_floor: float, seed: int
) -> Discriminant | None:
    """EM for a Gaussian mixture with one covariance matrix shared by the segments, started
    from `centers`, in the weighted space `space` (standardised features times `scale`, the
    square roots of the feature weights). Returns its decision rule in standardised units, or
    None when EM did not converge. `covariance_floor` is added to the covariance's diagonal
    (in standardised units: 0.01 is a hundredth of a feature's spread) so that a feature
    nearly constant within segments cannot dominate."""
    mixture = GaussianMixture(
        n_components=len(centers),
        covariance_type="tied",
        reg_covar=covariance_floor,
        means_init=centers,
        max_iter=200,
        random_state=seed,
    ).fit(space)
    if not mixture.converged_:
        return None
    precision = np.linalg.inv(mixture.covariances_)
    coefficients = mixture.means_ @ precision  # precision is symmetric
    intercepts = -0.5 * (coefficients * mixture.means_).sum(axis=1) + np.log(mixture.weights_)
    # x_weighted = x * scale, so the rule on standardised x scales each coefficient by scale.
    return Discriminant(coefficients * scale, intercepts)


def classification_em_discriminant(
    space: np.ndarray, centers: np.ndarray, scale: np.ndarray, covariance_floor: float, seed: int
) -> Discriminant | None:
    """Classification EM (Celeux & Govaert 1992) for Gaussian segments of equal size sharing
    one covariance matrix: starting from the nearest of `centers`, each customer goes to the
    segment nearest in units of the pooled spread within segments, the means and that spread
    are re-estimated from the new segments, and so on until no customer moves. This maximises
    the classification likelihood, which for this model is Friedman & Rubin's (1967) criterion:
    the smallest determinant of the pooled within-segment scatter (Scott & Symons 1971).

    Unlike the mixture of `shared_covariance_discriminant`, every customer counts wholly for
    one segment, so the segments are what the rule assigns, and tails that are not Gaussian
    (counts, spend) do not pull the covariance toward components that model their shape.
    Arguments as for `shared_covariance_discriminant` (`seed` is unused: the steps are
    deterministic). None when a segment empties or no fixed point is reached in 100 steps."""
    del seed
    k = len(centers)
    labels = ((space[:, None, :] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)
    for _ in range(100):
        if np.bincount(labels, minlength=k).min() < 2:
            return None
        means = np.vstack([space[labels == segment].mean(axis=0) for segment in range(k)])
        within = space - means[labels]
        covariance = within.T @ within / len(space) + covariance_floor * np.eye(space.shape[1])
        coefficients = np.linalg.solve(covariance, means.T).T  # the covariance is symmetric
        intercepts = -0.5 * (coefficients * means).sum(axis=1)
        moved = (space @ coefficients.T + intercepts).argmax(axis=1)
        if np.array_equal(moved, labels):
            return Discriminant(coefficients * scale, intercepts)
        labels = moved
    return None


DISCRIMINANTS = {
    "classification_em": classification_em_discriminant,
    "shared_covariance": shared_covariance_discriminant,
}
