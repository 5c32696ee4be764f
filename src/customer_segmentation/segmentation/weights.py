"""How much each feature counts in the fit, and how much each one tells the segments apart.

Method 3 weighs every standardised feature the same by default; sparse K-means weights
(`sparse.tune_bound`) are a setting. Either way `between_segment_shares` says what the
segments turned out to be about.
"""

from __future__ import annotations

import numpy as np

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.prepare import sample_rows
from customer_segmentation.segmentation.sparse import BoundChoice, between_cluster_sums, tune_bound


def feature_weights(matrix: np.ndarray, k: int, config: SegmentationConfig) -> BoundChoice:
    """Equal weights (1/sqrt(p) each: plain K-means), or with `feature_weighting: sparse` the
    sparse K-means weights tuned for this k on a fixed-size sample. Equal is the default because
    on planted sets nobody tuned to, sparse weights sometimes settled on features without the
    groups' structure (ARI 0.08-0.29 where plain K-means reached 0.34-0.81;
    bench/results/2026-12-04-equal-weights-decision.md)."""
    if config.feature_weighting == "sparse":
        tuning_rows = sample_rows(len(matrix), config.weight_sample_size, config.seed)
        return tune_bound(
            matrix[tuning_rows],
            k,
            count=config.weight_bound_count,
            permutations=config.weight_permutations,
            n_init=config.weight_n_init,
            seed=config.seed,
        )
    n_features = matrix.shape[1]
    top = np.sqrt(n_features)
    return BoundChoice(
        bound=float(top),
        weights=np.full(n_features, 1 / top),
        bounds=np.array([top]),
        gaps=np.array([np.nan]),
        gap_sds=np.array([np.nan]),
    )


def between_segment_shares(matrix: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per feature, the share (0-1) of its variance over all scored customers (standardised
    units, after fences) that lies between the segments' means: what the segments are about,
    whatever the weights were. 0 for one segment."""
    total = ((matrix - matrix.mean(axis=0)) ** 2).sum(axis=0)
    shares = np.divide(
        between_cluster_sums(matrix, labels),
        total,
        out=np.zeros(matrix.shape[1]),
        where=total > 0,
    )
    return np.clip(shares, 0.0, 1.0)
