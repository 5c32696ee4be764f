"""The measures behind segment_validation and the naming rule, on small frames where the
answer is known: bootstrap stability, Jaccard recovery, stratified samples, Kruskal-Wallis,
nearest centroids, archetype names and their clash descriptors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.segmentation.names import (
    FALLBACK_ARCHETYPE,
    SegmentName,
    match_archetype,
    name_segments,
)
from customer_segmentation.segmentation.stability import best_jaccard, bootstrap_stability
from customer_segmentation.segmentation.validation import (
    kruskal_wallis_tests,
    nearest_centroids,
    stratified_sample,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ARCHETYPES = pd.read_csv(SEEDS / "segment_archetypes.csv")
DESCRIPTORS = pd.read_csv(SEEDS / "segment_descriptors.csv")


def test_best_jaccard_by_hand():
    reference = np.array([0, 0, 0, 1, 1, 2])
    other = np.array([5, 5, 7, 7, 7, 9])
    # segment 0 {0,1,2} best overlaps {0,1} -> 2/3; segment 1 {3,4} overlaps {2,3,4} -> 2/3;
    # segment 2 {5} equals {5} -> 1.
    np.testing.assert_allclose(best_jaccard(reference, other, 3), [2 / 3, 2 / 3, 1.0])


def test_bootstrap_separates_stable_from_arbitrary_partitions():
    rng = np.random.default_rng(0)
    blobs = np.vstack([rng.normal(center, 0.3, size=(200, 2)) for center in (0, 5, 10)])
    labels = np.repeat([0, 1, 2], 200)
    stable = bootstrap_stability(blobs, labels, 3, resamples=10, n_init=3, seed=1)
    assert stable.ari_min > 0.99 and all(stable.jaccard_mean(s) > 0.99 for s in range(3))
    # Five segments cut into one round blob: the boundaries move from resample to resample.
    blob = rng.normal(0, 1, size=(600, 2))
    from sklearn.cluster import KMeans

    arbitrary = KMeans(5, n_init=3, random_state=0).fit_predict(blob)
    unstable = bootstrap_stability(blob, arbitrary, 5, resamples=10, n_init=3, seed=1)
    assert unstable.ari_mean < stable.ari_mean - 0.1
    assert len(unstable.ari) == 10


def test_stratified_sample_keeps_shares_and_size():
    labels = np.repeat([0, 1, 2], [7000, 2900, 100])
    rows = stratified_sample(labels, 1000, seed=3)
    assert len(rows) == 1000 and np.all(np.diff(rows) > 0)
    assert np.bincount(labels[rows]).tolist() == [700, 290, 10]
    tiny = np.array([0] * 9998 + [1, 1])
    assert np.bincount(tiny[stratified_sample(tiny, 100, seed=3)])[1] == 2  # never dropped
    np.testing.assert_array_equal(stratified_sample(labels[:50], 100, seed=3), np.arange(50))


def test_kruskal_wallis_effect_size_and_identical_values():
    rng = np.random.default_rng(2)
    labels = np.repeat([1, 2], 500)
    frame = pd.DataFrame(
        {
            "differs": np.concatenate([rng.normal(0, 1, 500), rng.normal(3, 1, 500)]),
            "same": rng.normal(0, 1, 1000),
            "constant": np.ones(1000),
            "sparse": np.where(np.arange(1000) % 2 == 0, np.nan, rng.normal(0, 1, 1000)),
        }
    )
    tests = kruskal_wallis_tests(frame, labels, list(frame.columns)).set_index("feature_name")
    assert tests.loc["differs", "kruskal_p_value"] < 1e-10
    assert tests.loc["differs", "epsilon_squared"] > 0.5
    assert tests.loc["same", "epsilon_squared"] < 0.01
    assert tests.loc["constant", "kruskal_p_value"] == 1.0
    assert tests.loc["sparse", "test_customer_count"] == 500


def test_nearest_centroids():
    centroids = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    nearest, distance = nearest_centroids(centroids)
    assert nearest.tolist() == [2, 2, 0]
    np.testing.assert_allclose(distance, [1.0, np.sqrt(18), 1.0])


def _centroids(z_by_segment: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (segment_id, feature, z)
            for segment_id, values in z_by_segment.items()
            for feature, z in values.items()
        ],
        columns=["segment_id", "feature_name", "centroid_z_score"],
    )


@pytest.mark.parametrize(
    ("z_scores", "archetype"),
    [
        ({"recency_days": -1.0, "order_count": 1.0, "monetary_amount": 1.2}, "Champions"),
        ({"recency_days": 0.0, "order_count": 0.6, "monetary_amount": 0.1}, "Loyal Regulars"),
        (
            {"recency_days": 0.8, "order_count": 0.0, "monetary_amount": 0.9},
            "At Risk High Spenders",
        ),
        ({"recency_days": -0.8, "order_count": -0.9, "monetary_amount": -0.5}, "New Customers"),
        ({"promotion_order_share": 1.0, "recency_days": 0.0}, "Bargain Hunters"),  # 2nd group
        ({"email_open_rate": 1.0, "monetary_amount": -0.2}, "Engaged Browsers"),
        ({"recency_days": 1.1, "monetary_amount": -0.7, "order_count": -0.4}, "Hibernating"),
        ({"recency_days": 0.1, "monetary_amount": 0.1}, "Occasional Shoppers"),
        # A condition on a feature the run did not use cannot hold: no web data, no browsers.
        ({"monetary_amount": -0.5}, "Occasional Shoppers"),
    ],
)
def test_archetype_rule(z_scores, archetype):
    assert match_archetype(z_scores, ARCHETYPES) == archetype


def test_clashing_archetypes_get_descriptors_never_digits():
    centroids = _centroids(
        {
            1: {"recency_days": 0.9, "monetary_amount": -0.9, "web_session_count": 0.1},
            2: {"recency_days": 1.2, "monetary_amount": -0.6, "web_session_count": -1.5},
            3: {"recency_days": 0.7, "monetary_amount": -0.8, "web_session_count": -1.5},
        }
    )
    names = name_segments(centroids, ARCHETYPES, DESCRIPTORS)
    assert names[1] == SegmentName("Hibernating", "Hibernating")
    assert names[2].segment_name == "Hibernating – Offline"  # its most distinctive feature
    assert names[3].segment_name.startswith("Hibernating – ")
    assert len({n.segment_name for n in names.values()}) == 3
    assert not any(ch.isdigit() for n in names.values() for ch in n.segment_name)
    assert {n.archetype for n in names.values()} == {"Hibernating"}


def test_inherited_names_are_kept_and_new_names_avoid_them():
    centroids = _centroids(
        {
            1: {"recency_days": -1.0, "order_count": 1.0, "monetary_amount": 1.0},
            7: {"recency_days": -1.0, "order_count": 1.2, "monetary_amount": 0.9},
        }
    )
    inherited = {1: SegmentName("Loyal Regulars", "Loyal Regulars")}
    names = name_segments(centroids, ARCHETYPES, DESCRIPTORS, inherited=inherited)
    assert names[1] == inherited[1]  # kept, although the rule would now say Champions
    assert names[7] == SegmentName("Champions", "Champions")


def test_without_a_vocabulary_names_are_still_unique():
    centroids = _centroids({1: {"monetary_amount": 1.0}, 2: {"monetary_amount": -1.0}})
    names = name_segments(centroids)
    assert [n.segment_name for n in names.values()] == [
        FALLBACK_ARCHETYPE,
        f"{FALLBACK_ARCHETYPE} – Second Group",
    ]
