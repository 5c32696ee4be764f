"""The segmentation package on small fixed frames: known k, one blob, absent optional
features, ten customers, determinism, canonical ids and names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.clustering import (
    SegmentationConfig,
    choose_k,
    fit_segments,
    knee_point,
    prepare_features,
    signed_log1p,
)
from customer_segmentation.segment_names import name_segments

FEATURES = ("monetary_amount", "recency_days", "order_count")


def _blobs(centers: list[tuple[float, float, float]], per_blob: int, spread: float = 0.3, seed=0):
    """Customers around given centres in (monetary, recency, orders) space."""
    rng = np.random.default_rng(seed)
    rows = []
    for blob, center in enumerate(centers):
        points = rng.normal(center, spread, size=(per_blob, len(center)))
        rows.append(pd.DataFrame(points, columns=list(FEATURES)).assign(true_blob=blob))
    frame = pd.concat(rows, ignore_index=True)
    frame["customer_id"] = [f"C{i:05d}" for i in range(len(frame))]
    return frame


def _config(**overrides) -> SegmentationConfig:
    settings = {"feature_columns": FEATURES, "k_min": 2, "k_max": 8, **overrides}
    return SegmentationConfig(**settings)


def _adjusted_rand(a, b) -> float:
    from sklearn.metrics import adjusted_rand_score

    return adjusted_rand_score(a, b)


def test_three_separated_blobs_give_three_segments():
    frame = _blobs([(0, 0, 0), (6, 0, 0), (0, 6, 6)], per_blob=150)
    fit = fit_segments(frame, _config())
    chosen = fit.k_selection.loc[fit.k_selection["is_chosen"], "k"].tolist()
    assert chosen == [3]
    merged = fit.assignments.merge(frame, on="customer_id")
    assert _adjusted_rand(merged["true_blob"], merged["segment_id"]) == pytest.approx(1.0)


def test_six_overlapping_blobs_give_six_segments():
    centers = [(0, 0, 0), (6, 0, 0), (0, 6, 0), (0, 0, 6), (6, 6, 0), (6, 0, 6)]
    frame = _blobs(centers, per_blob=150, spread=1.0)
    fit = fit_segments(frame, _config(k_max=10))
    chosen = fit.k_selection[fit.k_selection["is_chosen"]]
    assert chosen["k"].tolist() == [6]
    assert chosen["selection_reason"].iloc[0].startswith("elbow of inertia at k=6")
    merged = fit.assignments.merge(frame, on="customer_id")
    assert _adjusted_rand(merged["true_blob"], merged["segment_id"]) > 0.98


def test_single_blob_falls_back_without_crashing():
    frame = _blobs([(0, 0, 0)], per_blob=300, spread=1.0)
    fit = fit_segments(frame, _config())
    chosen = fit.k_selection[fit.k_selection["is_chosen"]]
    assert len(chosen) == 1
    assert isinstance(chosen["selection_reason"].iloc[0], str)
    assert len(fit.assignments) == 300
    assert fit.assignments["segment_name"].notna().all()


def test_absent_optional_features_are_dropped_and_recorded():
    frame = _blobs([(0, 0, 0), (5, 5, 5)], per_blob=40)
    frame["web_session_count"] = np.nan  # web_sessions.csv not supplied
    frame["constant_flag"] = 1.0
    config = SegmentationConfig(
        feature_columns=(*FEATURES, "web_session_count", "constant_flag"), k_max=4
    )
    fit = fit_segments(frame, config)
    treatment = fit.features.set_index("feature_name")
    assert treatment.loc["web_session_count", "feature_drop_reason"] == "null for every customer"
    assert treatment.loc["constant_flag", "feature_drop_reason"] == "constant for every customer"
    assert set(fit.centroids["feature_name"]) == set(FEATURES)
    assert len(fit.assignments) == 80


def test_ten_customers_are_all_segmented():
    frame = _blobs([(0, 0, 0), (4, 4, 4)], per_blob=5)
    fit = fit_segments(frame, _config())
    assert len(fit.assignments) == 10
    assert fit.k_selection["k"].max() <= 9  # k stays below the number of distinct customers
    assert fit.assignments["segment_id"].between(1, fit.k_selection["k"].max()).all()


def test_same_customers_in_any_row_order_give_the_same_fit():
    frame = _blobs([(0, 0, 0), (6, 0, 0), (0, 6, 6)], per_blob=100)
    shuffled = frame.sample(frac=1.0, random_state=5)
    first = fit_segments(frame, _config()).to_frame()
    second = fit_segments(shuffled, _config()).to_frame()
    pd.testing.assert_frame_equal(first, second)


def test_segment_ids_follow_mean_monetary_value_and_names_are_unique_words():
    frame = _blobs([(0, 0, 0), (9, 0, 0), (4, 6, 6)], per_blob=120)
    fit = fit_segments(frame, _config())
    merged = fit.assignments.merge(frame, on="customer_id")
    means = merged.groupby("segment_id")["monetary_amount"].mean()
    assert list(means.index) == sorted(means.index)
    assert means.is_monotonic_decreasing
    names = fit.assignments.drop_duplicates("segment_id")["segment_name"]
    assert names.is_unique
    assert not names.str.contains(r"\d").any()


def test_sampling_still_assigns_every_customer():
    frame = _blobs([(0, 0, 0), (6, 6, 6)], per_blob=500)
    fit = fit_segments(frame, _config(fit_sample_size=200, silhouette_sample_size=100))
    assert len(fit.assignments) == 1000
    assert fit.k_selection["fit_customer_count"].eq(200).all()
    assert fit.k_selection["silhouette_sample_size"].eq(100).all()


def test_to_frame_is_typed_and_keyed():
    fit = fit_segments(_blobs([(0, 0, 0), (5, 5, 5)], per_blob=30), _config(k_max=3))
    frame = fit.to_frame()
    assert frame["fit_row_id"].is_unique
    assert set(frame["row_kind"]) == {"customer", "k_candidate", "feature", "centroid"}
    assert str(frame["segment_id"].dtype) == "Int64"
    assert str(frame["feature_drop_reason"].dtype) == "string"


def test_missing_configured_column_is_a_clear_error():
    with pytest.raises(ValueError, match="lacks configured column"):
        prepare_features(pd.DataFrame({"customer_id": ["a"]}), _config())


def test_unknown_setting_is_rejected():
    with pytest.raises(ValueError, match="unknown segmentation settings"):
        SegmentationConfig.from_mapping({"feature_columns": ["a"], "k_maxx": 3})


def test_a_format_override_replaces_only_its_settings():
    settings = {
        "feature_columns": ["a", "b"],
        "log_columns": ["a"],
        "k_max": 6,
        "format_overrides": {"marketing_campaign": {"feature_columns": ["c"], "log_columns": []}},
    }
    marketing = SegmentationConfig.for_format(settings, "marketing_campaign")
    assert (marketing.feature_columns, marketing.log_columns, marketing.k_max) == (("c",), (), 6)
    shared = SegmentationConfig.for_format(settings, "online_retail")
    assert (shared.feature_columns, shared.log_columns, shared.k_max) == (("a", "b"), ("a",), 6)
    with pytest.raises(ValueError, match="unknown segmentation settings"):
        SegmentationConfig.for_format({**settings, "format_overrides": {"x": {"k_maxx": 1}}}, "x")


def test_signed_log_keeps_order_of_negative_amounts():
    values = np.array([-100.0, -1.0, 0.0, 1.0, 100.0])
    assert np.all(np.diff(signed_log1p(values)) > 0)


def test_knee_point_finds_the_bend_and_none_on_a_straight_line():
    assert knee_point([1, 2, 3, 4, 5, 6], [100, 40, 20, 17, 15, 14]) == 3
    assert knee_point([1, 2, 3, 4], [4, 3, 2, 1]) is None
    assert knee_point([2, 3], [5, 1]) is None


def test_choose_k_skips_k_with_a_tiny_segment():
    from customer_segmentation.clustering import KCandidate

    def candidate(k, silhouette, smallest, inertia):
        return KCandidate(k, inertia, silhouette, 1.0, 1.0, smallest, model=None)

    candidates = [
        candidate(2, 0.30, 0.40, 100.0),
        candidate(3, 0.50, 0.01, 40.0),  # best silhouette, but one segment is 1% of customers
        candidate(4, 0.29, 0.20, 30.0),
        candidate(5, 0.20, 0.10, 25.0),
    ]
    k, reason = choose_k(candidates, _config())
    assert k in (2, 4) and k != 3
    assert "silhouette" in reason


def test_names_avoid_collisions_without_numbers():
    centroids = pd.DataFrame(
        [
            (1, "recency_days", -1.0),
            (1, "monetary_amount", 1.0),
            (1, "order_count", 2.0),
            (2, "recency_days", -1.0),
            (2, "monetary_amount", 1.0),
            (2, "order_count", 1.5),
        ],
        columns=["segment_id", "feature_name", "centroid_z_score"],
    )
    terms = pd.DataFrame(
        [
            ("recency_days", "recency", "Lapsed", "Active"),
            ("monetary_amount", "value", "high-value", "low-value"),
            ("order_count", "trait", "frequent buyers", "one-time buyers"),
        ],
        columns=["feature_name", "name_part", "high_term", "low_term"],
    )
    names = name_segments(centroids, terms)
    assert names[1] == "Active high-value frequent buyers"
    assert names[2] != names[1] and not any(ch.isdigit() for ch in names[2])


@pytest.mark.parametrize("customers", [0, 1])
def test_fewer_than_two_customers_make_one_segment(customers):
    frame = _blobs([(1, 2, 3)], per_blob=customers)
    fit = fit_segments(frame, _config())
    assert len(fit.assignments) == customers
    assert fit.k_selection[["k", "is_chosen"]].values.tolist() == [[1, True]]
    assert "nothing to separate" in fit.k_selection["selection_reason"].iloc[0]
    frame_out = fit.to_frame()
    assert set(frame_out["row_kind"]) <= {"customer", "k_candidate", "feature"}
