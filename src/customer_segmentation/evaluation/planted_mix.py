"""How a seed picks its planted groups from the catalogue and how many customers each gets."""

from __future__ import annotations

import numpy as np

from customer_segmentation.evaluation.planted_groups import CATALOGUE, GroupSpec
from customer_segmentation.evaluation.planted_purchasing import PURCHASING_CATALOGUE

# The catalogues a planted set's groups come from (`generate_planted(group_catalogue=...)`).
CATALOGUES: dict[str, tuple[GroupSpec, ...]] = {
    "behaviour": CATALOGUE,
    "purchasing": PURCHASING_CATALOGUE,
}

MIN_SHARE = 0.03
MAX_SHARE = 0.40
# Sampled shares stay a little inside the bounds so that rounding to whole customers cannot
# push a group outside them for any population of a few hundred customers or more.
_SHARE_MARGIN = 0.002


def draw_shares(rng: np.random.Generator, group_count: int) -> np.ndarray:
    """Random shares summing to one, each inside [MIN_SHARE, MAX_SHARE].

    Most seeds get one deliberately small group (3-6%): small segments are where clustering
    methods fail quietly, so the evaluation should usually contain one.
    """
    low, high = MIN_SHARE + _SHARE_MARGIN, MAX_SHARE - _SHARE_MARGIN
    with_small = rng.random() < 0.85
    for _ in range(10_000):
        if with_small:
            small = rng.uniform(low, 0.06)
            rest = rng.dirichlet(np.full(group_count - 1, 1.5)) * (1.0 - small)
            shares = np.concatenate([[small], rest])
        else:
            shares = rng.dirichlet(np.full(group_count, 1.5))
        if shares.min() >= low and shares.max() <= high:
            # The small group is not always the first one picked.
            return shares[rng.permutation(group_count)]
    # Practically unreachable (every group count has a large acceptance rate), but a bounded
    # loop needs a valid answer.
    return np.full(group_count, 1.0 / group_count)


def choose_groups(
    rng: np.random.Generator, catalogue: tuple[GroupSpec, ...] = CATALOGUE
) -> tuple[list[GroupSpec], np.ndarray]:
    """Pick 4-7 distinct groups from the catalogue and their population shares."""
    group_count = int(rng.integers(4, min(8, len(catalogue) + 1)))
    picked = rng.choice(len(catalogue), size=group_count, replace=False)
    return [catalogue[i] for i in picked], draw_shares(rng, group_count)


def split_counts(shares: np.ndarray, total: int) -> np.ndarray:
    """Whole customer counts per group that sum to total (largest remainder rounding)."""
    raw = shares * total
    counts = np.floor(raw).astype(np.int64)
    remainder = total - int(counts.sum())
    # Stable sort so ties resolve by group position, never by floating noise across platforms.
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts
