"""The segmentation package on small fixed frames: known k, one blob, two unequal groups,
outliers, absent optional features, ten customers, determinism, canonical ids, stable ids
across runs, names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_segmentation.segmentation.choose_k import KCandidate, choose_k, knee_point
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.frames import FIT_COLUMN_TYPES
from customer_segmentation.segmentation.matching import PreviousRun, previous_run_from
from customer_segmentation.segmentation.names import NamingVocabulary
from customer_segmentation.segmentation.prepare import prepare_features, signed_log1p

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

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
    reason = chosen["selection_reason"].iloc[0]
    assert reason.startswith("the largest k that is distinct, stable and targetable")
    assert "k=7 not stable (prediction strength" in reason
    merged = fit.assignments.merge(frame, on="customer_id")
    assert _adjusted_rand(merged["true_blob"], merged["segment_id"]) > 0.98


def test_single_blob_falls_back_to_the_documented_rule_without_crashing():
    frame = _blobs([(0, 0, 0)], per_blob=600, spread=1.0)
    fit = fit_segments(frame, _config())
    chosen = fit.k_selection[fit.k_selection["is_chosen"]]
    assert len(chosen) == 1
    assert not fit.k_selection["has_cluster_structure"].any()
    reason = chosen["selection_reason"].iloc[0]
    assert reason.startswith("no cluster structure")
    # The fallback is the most stable k (ties to the smaller k), as the reason says.
    most_stable = fit.k_selection.assign(ps=fit.k_selection["prediction_strength"].round(3))
    expected = most_stable.sort_values(["ps", "k"], ascending=[False, True])["k"].iloc[0]
    assert chosen["k"].iloc[0] == expected
    assert len(fit.assignments) == 600
    assert fit.assignments["segment_name"].notna().all()


def test_separated_blobs_beat_the_structureless_reference_and_are_stable():
    frame = _blobs([(0, 0, 0), (6, 0, 0), (0, 6, 6)], per_blob=150)
    fit = fit_segments(frame, _config())
    chosen = fit.k_selection[fit.k_selection["is_chosen"]].iloc[0]
    assert chosen["has_cluster_structure"]
    assert chosen["silhouette_score"] > chosen["reference_silhouette_score"] + 0.3
    assert chosen["bootstrap_ari_mean"] > 0.99
    assert (fit.segments["bootstrap_jaccard_mean"] > 0.99).all()
    assert chosen["silhouette_sample_size"] == 450  # all, since fewer than the sample size


def test_two_groups_split_70_30_give_two_and_say_why_no_larger_k():
    rng = np.random.default_rng(8)
    points = np.vstack([rng.normal(0, 1, (700, 3)), rng.normal(5, 1, (300, 3))])
    frame = pd.DataFrame(points, columns=list(FEATURES))
    frame["customer_id"] = [f"C{i:05d}" for i in range(len(frame))]
    fit = fit_segments(frame, _config())
    assert fit.run["k"].iloc[0] == 2
    sizes = fit.assignments["segment_id"].value_counts(normalize=True).sort_values()
    assert sizes.iloc[0] == pytest.approx(0.3, abs=0.02)
    reason = fit.run["selection_reason"].iloc[0]
    assert reason.startswith("k=2") and "no k >= 3 passes" in reason
    for k in range(3, 9):  # each larger k named with the check it failed and its figure
        assert f"k={k} not " in reason


def test_extreme_outliers_in_one_population_make_no_segment_and_no_structure():
    rng = np.random.default_rng(9)
    points = rng.normal(0, 1, (1000, 3))
    points[:10] += 25  # 1% extreme customers, far out on every feature
    frame = pd.DataFrame(points, columns=list(FEATURES))
    frame["customer_id"] = [f"C{i:05d}" for i in range(len(frame))]
    fit = fit_segments(frame, _config())
    reason = fit.run["selection_reason"].iloc[0]
    assert reason.startswith("no cluster structure")
    shares = fit.assignments["segment_id"].value_counts(normalize=True)
    assert shares.min() > 0.1  # no segment of outliers
    clipped = fit.features.set_index("feature_name")["clipped_customer_count"]
    assert (clipped >= 10).all()


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
    assert set(frame["row_kind"]) == {
        "customer",
        "k_candidate",
        "feature",
        "centroid",
        "segment",
        "feature_test",
        "rule",
        "run",
    }
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


def _candidate(k, silhouette, smallest, strength=0.95, reference=0.1, strength_error=0.0):
    return KCandidate(
        k=k,
        weights=np.ones(3) / np.sqrt(3),
        weight_bound=np.sqrt(3),
        weight_gap=0.1,
        centers=np.zeros((k, 3)),
        inertia=100.0 / k,
        silhouette=silhouette,
        reference_silhouette=reference,
        calinski_harabasz=1.0,
        davies_bouldin=1.0,
        smallest_segment_share=smallest,
        silhouette_sample_size=100,
        prediction_strength=strength,
        space=np.zeros((10, 3)),
        labels=np.zeros(10, dtype=int),
        prediction_strength_standard_error=strength_error,
    )


def test_choose_k_takes_the_largest_k_that_passes_every_check():
    candidates = [
        _candidate(2, 0.40, 0.40),
        _candidate(3, 0.35, 0.30),
        _candidate(4, 0.30, 0.20),
        _candidate(5, 0.30, 0.01),  # one segment is 1% of customers
        _candidate(6, 0.25, 0.10, strength=0.6),  # the halves disagree
        _candidate(7, 0.11, 0.10),  # no better than one population
    ]
    choice = choose_k(candidates, _config())
    assert (choice.k, choice.rule_k) == (4, 4)
    assert choice.reason.startswith("the largest k that is distinct, stable and targetable")
    assert "k=5 not targetable (smallest segment 1.0% < 2%)" in choice.reason
    assert "k=6 not stable (prediction strength 0.600 < 0.7)" in choice.reason
    assert "k=7 not distinct (silhouette 0.110 vs 0.100 for one population)" in choice.reason


def test_the_lower_bound_rule_does_not_call_stable_a_k_within_its_own_noise():
    """Method 6: demo seed 2 of make evaluate had k = 7 at 0.727 ± 0.041 for 6 groups."""
    candidates = [
        _candidate(2, 0.40, 0.40),
        _candidate(6, 0.30, 0.10, strength=0.798, strength_error=0.046),
        _candidate(7, 0.28, 0.09, strength=0.727, strength_error=0.041),
    ]
    assert choose_k(candidates, _config()).k == 7  # the mean alone clears 0.7
    choice = choose_k(candidates, _config(prediction_strength_bound="lower_bound"))
    assert choice.k == 6
    assert "prediction strength 0.80 ± 0.05" in choice.reason
    assert (
        "k=7 not stable (prediction strength 0.727 - standard error 0.041 = 0.686 < 0.7)"
        in choice.reason
    )


def test_an_assignment_and_bound_that_make_no_method_are_refused():
    with pytest.raises(ValueError, match="is no method"):
        SegmentationConfig.from_mapping(
            {
                "feature_columns": ["a"],
                "segment_assignment": "shared_covariance",
                "prediction_strength_bound": "lower_bound",
            }
        )
    with pytest.raises(ValueError, match="is no method"):
        _config(segment_assignment="nearest_centroid", prediction_strength_bound="lower_bound")
    config = SegmentationConfig.from_mapping(
        {"feature_columns": ["a"], "prediction_strength_bound": "lower_bound"}
    )
    assert config.method_version == "6"


def test_choose_k_gives_two_only_when_no_larger_k_passes_and_names_each_failure():
    candidates = [
        _candidate(2, 0.40, 0.40),
        _candidate(3, 0.35, 0.30, strength=0.65),
        _candidate(4, 0.30, 0.015),
    ]
    choice = choose_k(candidates, _config())
    assert choice.k == 2
    assert "k=3 not stable (prediction strength 0.650 < 0.7)" in choice.reason
    assert "k=4 not targetable (smallest segment 1.5% < 2%)" in choice.reason


def test_choose_k_without_structure_takes_the_most_stable_and_says_so():
    candidates = [
        _candidate(2, 0.30, 0.40, strength=0.80, reference=0.30),
        _candidate(3, 0.31, 0.30, strength=0.90, reference=0.30),
        _candidate(4, 0.29, 0.20, strength=0.70, reference=0.29),
    ]
    choice = choose_k(candidates, _config())
    assert choice.k == 3
    assert choice.reason.startswith("no cluster structure")
    assert "tiers of one population" in choice.reason


def test_choose_k_never_picks_a_k_whose_segment_is_too_small_to_target():
    candidates = [
        _candidate(2, 0.50, 0.01),  # distinct and stable, but an outlier segment
        _candidate(3, 0.30, 0.20, strength=0.5, reference=0.29),
    ]
    choice = choose_k(candidates, _config())
    assert choice.k == 3 and choice.reason.startswith("no cluster structure")


def test_choose_k_takes_the_fewest_segments_when_no_k_has_a_measurable_stability():
    candidates = [
        _candidate(k, 0.2 + 0.05 * k, 1 / 14, strength=np.nan, reference=0.3) for k in range(2, 10)
    ]
    choice = choose_k(candidates, _config())
    assert choice.k == 2
    assert choice.reason.startswith("too few customers to measure stability")
    assert "nan" not in choice.reason


def test_choose_k_never_calls_a_k_of_unknown_stability_the_most_stable():
    # 14 customers (a robustness sweep): prediction strength was measured for k = 2-6, all
    # unstable and none distinct, and NaN for k = 7-10. NaN counted as 0, k = 7 looked
    # distinct (silhouettes grow as segments shrink), and 7 segments of two customers were
    # published as "the most stable distinct, targetable k", prediction strength "nan ± nan".
    measured = [
        _candidate(k, 0.18, 0.07, strength=strength, reference=0.18)
        for k, strength in [(2, 0.55), (3, 0.46), (4, 0.23), (5, 0.08), (6, 0.39)]
    ]
    unknown = [_candidate(k, 0.18, 0.07, strength=np.nan, reference=0.13) for k in (7, 8, 9)]
    choice = choose_k(measured + unknown, _config())
    assert choice.k == 2
    assert choice.reason.startswith(
        "no cluster structure: no k whose stability could be measured (not k=7, 8, 9) beats"
    )
    assert "nan" not in choice.reason


def _vocabulary() -> NamingVocabulary:
    return NamingVocabulary(
        archetypes=pd.read_csv(SEEDS / "segment_archetypes.csv"),
        descriptors=pd.read_csv(SEEDS / "segment_descriptors.csv"),
    )


def _rfm_blobs(per_blob: int, seed=0) -> pd.DataFrame:
    """Three clear customer types in (monetary, recency, orders): champions, hibernating,
    new customers."""
    centers = [(2000, 10, 12), (80, 400, 1), (60, 15, 1)]
    spreads = [(200, 4, 2), (20, 40, 0.3), (15, 5, 0.3)]
    rng = np.random.default_rng(seed)
    rows = []
    for blob, (center, spread) in enumerate(zip(centers, spreads, strict=True)):
        points = np.abs(rng.normal(center, spread, size=(per_blob, 3)))
        rows.append(pd.DataFrame(points, columns=list(FEATURES)).assign(true_blob=blob))
    frame = pd.concat(rows, ignore_index=True)
    frame["customer_id"] = [f"S{seed}-{i:05d}" for i in range(len(frame))]
    return frame


def _as_previous(fit, as_of_date="2024-01-01") -> PreviousRun:
    centroids = fit.centroids.merge(
        fit.segments[["segment_id", "segment_archetype"]], on="segment_id"
    )
    highest = int(fit.run["highest_segment_id"].iloc[0])
    return PreviousRun(as_of_date, centroids, highest)


def test_business_names_come_from_the_archetype_seed():
    fit = fit_segments(_rfm_blobs(200), _config(k_max=3), _vocabulary())
    names = set(fit.segments["segment_name"])
    assert names == {"Champions", "Hibernating", "New Customers"}
    assert (fit.segments["segment_name"] == fit.segments["segment_archetype"]).all()


def test_two_percent_more_customers_keep_every_id_and_name():
    base = _rfm_blobs(300)
    first = fit_segments(base, _config(), _vocabulary())
    extra = _rfm_blobs(6, seed=1)  # 18 new customers: 2% more, from the same populations
    grown = pd.concat([base, extra], ignore_index=True)
    second = fit_segments(grown, _config(), _vocabulary(), previous=_as_previous(first))
    before = first.segments.set_index("segment_id")["segment_name"]
    after = second.segments.set_index("segment_id")["segment_name"]
    pd.testing.assert_series_equal(before, after)
    assert (second.segments["match_status"] == "matched").all()
    assert second.vanished.empty
    kept = first.assignments.merge(second.assignments, on="customer_id").merge(
        base[["customer_id", "true_blob"]], on="customer_id"
    )
    moved = kept[kept["segment_id_x"] != kept["segment_id_y"]]
    # The rule splits the wide champions blob in two; a boundary drawn through one population
    # may shift a little with new customers, so a few of its members may change sides. Nobody
    # else moves.
    assert len(moved) <= 0.01 * len(kept)
    assert set(moved["true_blob"]) <= {0}
    assert second.run["previous_as_of_date"].iloc[0] == "2024-01-01"


def test_matching_follows_the_stored_ids_not_the_monetary_order():
    base = _rfm_blobs(300)
    first = fit_segments(base, _config(), _vocabulary())
    previous = _as_previous(first)
    swap = {1: 2, 2: 1}  # as if an earlier run had numbered two segments the other way
    previous = PreviousRun(
        previous.as_of_date,
        previous.centroids.assign(
            segment_id=previous.centroids["segment_id"].map(lambda s: swap.get(s, s))
        ),
        previous.highest_segment_id,
    )
    second = fit_segments(base, _config(), _vocabulary(), previous=previous)
    by_name_first = first.segments.set_index("segment_name")["segment_id"]
    by_name_second = second.segments.set_index("segment_name")["segment_id"]
    for name, segment_id in by_name_first.items():
        assert by_name_second[name] == swap.get(segment_id, segment_id)


def test_a_new_segment_gets_a_new_id_and_a_vanished_one_is_reported():
    base = _rfm_blobs(300)
    first = fit_segments(base, _config(), _vocabulary())
    changed = _newcomers_replace_a_blob(base)
    second = fit_segments(changed, _config(k_max=4), _vocabulary(), previous=_as_previous(first))
    assert second.segments["segment_id"].is_unique
    new = second.segments[second.segments["match_status"] == "new"]
    assert len(new) >= 1
    assert (new["segment_id"] > first.segments["segment_id"].max()).all()
    assert len(second.vanished) >= 1
    assert second.run["vanished_segment_ids"].iloc[0] is not None
    assert second.segments["segment_name"].is_unique


def _newcomers_replace_a_blob(base: pd.DataFrame) -> pd.DataFrame:
    """The "new customers" population leaves and a far-away one arrives: one new segment."""
    rng = np.random.default_rng(3)
    newcomers = pd.DataFrame(
        np.abs(rng.normal((700, 200, 6), (30, 10, 0.5), size=(300, 3))), columns=list(FEATURES)
    )
    newcomers["customer_id"] = [f"N{i:05d}" for i in range(300)]
    return pd.concat([base[base["true_blob"] != 2], newcomers], ignore_index=True)


def test_a_date_built_out_of_order_never_reuses_a_later_runs_id():
    # A later date was built first and used ids up to 9: a new segment of an earlier date
    # must not take id 4, which that later run may give to another segment.
    base = _rfm_blobs(300)
    first = fit_segments(base, _config(), _vocabulary())
    earlier = _as_previous(first)
    stored = PreviousRun(earlier.as_of_date, earlier.centroids, highest_segment_id=9)
    second = fit_segments(
        _newcomers_replace_a_blob(base), _config(k_max=4), _vocabulary(), previous=stored
    )
    new = second.segments[second.segments["match_status"] == "new"]
    assert len(new) >= 1 and (new["segment_id"] >= 10).all()
    assert int(second.run["highest_segment_id"].iloc[0]) == 9 + len(new)


def test_rebuilding_a_date_keeps_its_own_new_segment_ids_and_names():
    base = _rfm_blobs(300)
    first = fit_segments(base, _config(), _vocabulary())
    changed = _newcomers_replace_a_blob(base)
    second = fit_segments(changed, _config(k_max=4), _vocabulary(), previous=_as_previous(first))
    # Since then a later date was built (ids up to 12); the second date is now rebuilt.
    earlier = _as_previous(first)
    stored = PreviousRun(
        earlier.as_of_date,
        earlier.centroids,
        highest_segment_id=12,
        same_date_centroids=_as_previous(second, "2024-02-01").centroids,
    )
    again = fit_segments(changed, _config(k_max=4), _vocabulary(), previous=stored)
    assert (second.segments["match_status"] == "new").any()
    columns = ["customer_id", "segment_id", "segment_name"]
    pd.testing.assert_frame_equal(again.assignments[columns], second.assignments[columns])
    assert int(again.run["highest_segment_id"].iloc[0]) == 12


def test_stored_runs_give_the_earlier_run_the_highest_id_elsewhere_and_the_dates_own():
    connection = duckdb.connect()
    connection.execute("create schema history")
    connection.execute(
        "create table history.segmentation_runs as select * from (values"
        " (date '2024-12-01', 4), (date '2024-12-10', 6), (date '2024-12-15', 5))"
        " as runs(as_of_date, highest_segment_id)"
    )
    connection.execute(
        "create table history.segment_centroids as select * from (values"
        " (date '2024-12-01', 1, 'A', 'a', 'f', 1.0), (date '2024-12-10', 6, 'B', 'b', 'f', 2.0),"
        " (date '2024-12-15', 5, 'C', 'c', 'f', 3.0)) as centroids(as_of_date, segment_id,"
        " segment_name, segment_archetype, feature_name, centroid_value)"
    )

    def query(sql, params):
        return connection.execute(sql, params).df()

    rebuilt = previous_run_from(query, "history", "2024-12-10")
    assert rebuilt.as_of_date == "2024-12-01"
    assert rebuilt.centroids["segment_name"].tolist() == ["A"]
    assert rebuilt.highest_segment_id == 5  # 2024-12-10's own 6 is being replaced
    assert rebuilt.same_date_centroids["segment_id"].tolist() == [6]
    first = previous_run_from(query, "history", "2024-11-01")
    assert first.as_of_date is None and first.centroids.empty
    assert first.highest_segment_id == 6 and first.same_date_centroids.empty
    assert previous_run_from(query, "history", "2025-01-01").as_of_date == "2024-12-15"


@pytest.mark.parametrize("customers", [0, 1])
def test_fewer_than_two_customers_make_one_segment(customers):
    frame = _blobs([(1, 2, 3)], per_blob=customers)
    fit = fit_segments(frame, _config())
    assert len(fit.assignments) == customers
    assert fit.k_selection[["k", "is_chosen"]].values.tolist() == [[1, True]]
    assert "nothing to separate" in fit.k_selection["selection_reason"].iloc[0]
    frame_out = fit.to_frame()
    assert {"k_candidate", "feature", "run"} <= set(frame_out["row_kind"])
    assert set(frame_out.columns) == set(FIT_COLUMN_TYPES)  # the warehouse's columns, always
    assert fit.assignments["segment_name"].eq("All Customers").all()


def test_the_sql_twin_declares_every_fit_column_with_its_type():
    """The assign-mode model builds the fit's shape from this macro; they must not drift."""
    import re

    macro = (SEEDS.parent / "macros" / "segmentation_fit_columns.sql").read_text()
    declared = dict(re.findall(r"\('(\w+)', '(\w+)'\)", macro))
    # `string`, not varchar: DuckDB reads it as VARCHAR; Spark takes no varchar without length.
    sql_types = {"string": "string", "Int64": "bigint", "boolean": "boolean", "Float64": "double"}
    assert declared == {name: sql_types[kind] for name, kind in FIT_COLUMN_TYPES.items()}
