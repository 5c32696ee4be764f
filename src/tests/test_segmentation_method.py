"""The parts of the segmentation method on small generated data: fences on extreme values,
equal and sparse K-means weights, what the segments are about, prediction strength, weighted
assignment, and the var segment_count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.segmentation.choose_k import nearest_center
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.prepare import (
    clip_fences,
    inverse_signed_log1p,
    prepare_features,
    signed_log1p,
)
from customer_segmentation.segmentation.sparse import (
    between_cluster_sums,
    bounded_weights,
    choose_bound,
    sparse_kmeans,
    tune_bound,
)
from customer_segmentation.segmentation.stability import prediction_strength
from customer_segmentation.segmentation.weights import between_segment_shares


def test_fences_of_a_normal_feature_lie_about_five_sd_out():
    values = np.random.default_rng(0).normal(0, 1, 200_000)
    assert clip_fences(values, 2.0) == (None, None)  # nothing lies beyond them
    values[:3] = [-30.0, 30.0, 40.0]
    lower, upper = clip_fences(values, 2.0)
    assert upper == pytest.approx(3 * 1.645, abs=0.05)
    assert lower == pytest.approx(-3 * 1.645, abs=0.05)


def test_a_two_valued_flag_is_never_clipped():
    for share in (0.005, 0.03, 0.3):
        flag = (np.random.default_rng(1).random(10_000) < share).astype(float)
        assert clip_fences(flag, 2.0) == (None, None)


def test_mostly_zero_counts_are_fenced_from_their_99th_percentile():
    rng = np.random.default_rng(2)
    counts = np.where(rng.random(10_000) < 0.97, 0.0, rng.poisson(3, 10_000) + 1.0)
    counts[:5] = 500.0  # five extreme customers
    lower, upper = clip_fences(signed_log1p(counts), 2.0)
    assert lower is None  # nothing below the mass at zero
    q99 = np.quantile(signed_log1p(counts), 0.99)
    assert upper == pytest.approx(q99 + 2 * q99)
    assert inverse_signed_log1p(upper) < 500


def test_extreme_customers_are_clipped_and_recorded_in_the_features_own_units():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(1000)],
            "monetary_amount": np.exp(rng.normal(5, 1, 1000)),
            "order_count": rng.poisson(4, 1000) + 1.0,
        }
    )
    frame.loc[:4, "monetary_amount"] = 1e7  # five wholesalers among households
    config = SegmentationConfig(
        feature_columns=("monetary_amount", "order_count"), log_columns=("monetary_amount",)
    )
    prepared = prepare_features(frame, config)
    treatment = prepared.treatment.set_index("feature_name")
    assert treatment.at["monetary_amount", "clipped_customer_count"] >= 5
    fence = treatment.at["monetary_amount", "clip_upper_value"]
    assert np.exp(5 + 3 * 1.645) * 0.5 < fence < 1e7  # in currency, near e^(5 + 4.9)
    assert np.abs(prepared.matrix).max() < 6  # no customer left 20 SD out


def test_bounded_weights_meet_the_l1_bound_and_drop_the_weakest():
    scores = np.array([10.0, 8.0, 1.0, 0.5, 0.0])
    loose = bounded_weights(scores, bound=10.0)
    assert np.linalg.norm(loose) == pytest.approx(1)
    np.testing.assert_allclose(loose, scores / np.linalg.norm(scores))
    tight = bounded_weights(scores, bound=1.2)
    assert tight.sum() == pytest.approx(1.2, abs=1e-6)
    assert tight[2:].sum() == 0 and tight[0] > tight[1] > 0


def _mixture_with_noise(seed=0, n=1500, noise=12):
    """Three groups that differ on three features, and features without group structure."""
    rng = np.random.default_rng(seed)
    groups = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    centres = np.array([[0, 0, 0], [2.5, -2.0, 1.0], [-2.0, 2.5, 2.5]])
    signal = centres[groups] + rng.normal(0, 1, (n, 3))
    matrix = np.column_stack([signal, rng.normal(0, 1, (n, noise))])
    return (matrix - matrix.mean(0)) / matrix.std(0), groups


def test_sparse_kmeans_weights_the_features_that_carry_the_groups():
    matrix, groups = _mixture_with_noise()
    choice = tune_bound(matrix, 3, count=6, permutations=4, n_init=2, seed=0)
    signal, rest = choice.weights[:3], choice.weights[3:]
    assert signal.min() > 3 * rest.max()
    weighted = sparse_kmeans(matrix, 3, choice.bound, n_init=5, seed=0)
    plain = KMeans(n_clusters=3, n_init=5, random_state=0).fit_predict(matrix)
    assert adjusted_rand_score(groups, weighted.labels) > adjusted_rand_score(groups, plain) + 0.05


def _mixture_frame(**kwargs) -> tuple[pd.DataFrame, tuple[str, ...]]:
    matrix, _ = _mixture_with_noise(**kwargs)
    # The fit orders segment ids by monetary_amount, so the signal features take real names.
    signal = ("monetary_amount", "recency_days", "order_count")
    columns = signal + tuple(f"noise_{i:02d}" for i in range(matrix.shape[1] - 3))
    frame = pd.DataFrame(matrix, columns=columns)
    frame["customer_id"] = [f"C{i:04d}" for i in range(len(frame))]
    return frame, columns


def test_features_weigh_the_same_unless_sparse_weights_are_asked_for():
    frame, columns = _mixture_frame(n=600, noise=6)
    weights = {}
    for weighting in ("equal", "sparse"):
        config = SegmentationConfig(feature_columns=columns, k_max=4, feature_weighting=weighting)
        features = fit_segments(frame, config).features.set_index("feature_name")
        weights[weighting] = features["feature_weight"]
    assert np.allclose(weights["equal"], 1 / np.sqrt(len(columns)))
    signal, noise = weights["sparse"].iloc[:3], weights["sparse"].iloc[3:]
    assert signal.min() > 3 * noise.max()


def test_an_unknown_feature_weighting_is_refused_naming_the_setting():
    with pytest.raises(ValueError, match="feature_weighting must be one of .*'equal'.*'sparse'"):
        SegmentationConfig.from_mapping({"feature_columns": ["a"], "feature_weighting": "auto"})


def test_between_segment_shares_say_which_features_tell_segments_apart():
    rng = np.random.default_rng(7)
    labels = np.repeat([0, 1], 500)
    separating = np.where(labels == 0, -1.0, 1.0)  # all its variance is between the segments
    noise = rng.normal(0, 1, 1000)  # none of it, up to sampling noise
    mixed = separating + rng.normal(0, 1, 1000)  # half of it
    shares = between_segment_shares(np.column_stack([separating, noise, mixed]), labels)
    assert shares[0] == pytest.approx(1.0)
    assert shares[1] < 0.01
    assert shares[2] == pytest.approx(0.5, abs=0.05)
    assert (between_segment_shares(np.column_stack([noise]), np.zeros(1000)) == 0).all()


def test_the_chosen_bound_is_the_largest_within_noise_of_the_best_gap():
    gaps = np.array([0.1, 0.40, 0.50, 0.49, 0.45])
    sds = np.array([0.02, 0.02, 0.02, 0.02, 0.02])
    assert choose_bound(gaps, sds) == 3


def test_between_cluster_sums_add_up_to_the_total():
    matrix = np.random.default_rng(4).normal(size=(200, 3))
    labels = np.arange(200) % 4
    within = sum(
        ((matrix[labels == g] - matrix[labels == g].mean(0)) ** 2).sum(0) for g in range(4)
    )
    total = ((matrix - matrix.mean(0)) ** 2).sum(0)
    np.testing.assert_allclose(between_cluster_sums(matrix, labels) + within, total)


def test_prediction_strength_is_high_at_the_true_k_and_low_when_a_group_is_split():
    rng = np.random.default_rng(5)
    centres = np.array([[0, 0], [8, 0], [0, 8]])
    points = np.vstack([rng.normal(c, 1, (400, 2)) for c in centres])
    config = SegmentationConfig(feature_columns=("a", "b"))
    three, three_error = prediction_strength(points, 3, config)
    five, five_error = prediction_strength(points, 5, config)
    assert three > 0.95 and five < 0.8
    # The splits agree at the true k and disagree on how to split a group beyond it.
    assert 0 <= three_error < five_error < 0.1


def test_weighted_nearest_centre_ignores_a_weight_zero_feature():
    centres = np.array([[0.0, 0.0], [1.0, 10.0]])
    point = np.array([[0.9, 0.0]])
    labels, distances = nearest_center(point, centres, np.array([1.0, 0.0]))
    assert labels[0] == 1 and distances[0] == pytest.approx(0.1)
    labels, _ = nearest_center(point, centres, np.array([0.5, 0.5]))
    assert labels[0] == 0


@pytest.mark.parametrize(
    ("value", "message"), [("1", "at least 2"), ("five", "whole number"), ("2.5", "whole")]
)
def test_a_bad_segment_count_is_refused_naming_the_var(value, message):
    with pytest.raises(ValueError, match=f"segment_count.*{message}"):
        SegmentationConfig.for_format({"feature_columns": ["a"]}, "canonical", value)


def test_an_empty_segment_count_lets_the_rule_choose():
    config = SegmentationConfig.for_format({"feature_columns": ["a"]}, "canonical", "")
    assert config.segment_count is None
    assert SegmentationConfig.for_format({"feature_columns": ["a"]}, "x", "5").segment_count == 5


def test_segment_count_fits_that_k_and_says_what_the_rule_would_have_chosen():
    rng = np.random.default_rng(6)
    centres = np.array([[0, 0, 0], [6, 0, 0], [0, 6, 6]])
    points = np.vstack([rng.normal(c, 0.5, (150, 3)) for c in centres])
    frame = pd.DataFrame(points, columns=["monetary_amount", "recency_days", "order_count"])
    frame["customer_id"] = [f"C{i:04d}" for i in range(len(frame))]
    columns = ("monetary_amount", "recency_days", "order_count")
    config = SegmentationConfig(feature_columns=columns, k_max=6, segment_count=5)
    fit = fit_segments(frame, config)
    k_rows = fit.k_selection.set_index("k")
    assert fit.run["k"].iloc[0] == 5 and fit.assignments["segment_id"].nunique() == 5
    assert k_rows["is_chosen"].idxmax() == 5 and k_rows["is_rule_choice"].idxmax() == 3
    reason = fit.run["selection_reason"].iloc[0]
    assert reason.startswith("k=5 set by the var segment_count") and "would choose k=3" in reason
    assert fit.run["requested_segment_count"].iloc[0] == 5
