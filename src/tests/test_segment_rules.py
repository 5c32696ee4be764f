"""Decision-tree rules that explain segments: fidelity on separable data, SQL predicates that
select exactly the rows the tree puts in each leaf (NULLs and float32 rounding included),
unusable columns, one segment, validation, determinism and hand-checked counts."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from customer_segmentation.segmentation.rule_tree import (
    RuleConfig,
    fit_rule_tree,
    float32_cutoff,
    leaf_rules,
)
from customer_segmentation.segmentation.rules import explain_segments


def _selected(frame: pd.DataFrame, predicate: str) -> np.ndarray:
    """Positions of the rows a predicate selects when DuckDB runs it on `customer_features`.

    Pandas NaN and pd.NA both arrive in DuckDB as NULL, as in the warehouse table.
    """
    customer_features = frame.assign(row_position=np.arange(len(frame)))
    with duckdb.connect() as connection:
        connection.register("customer_features", customer_features)
        rows = connection.execute(
            f"select row_position from customer_features where {predicate} order by 1"
        ).fetchall()
    return np.array([row[0] for row in rows], dtype=np.int64)


def _three_segments(n: int = 3_000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Segments set by thresholds on two features, two noise features, 1% labels flipped."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "order_count": rng.poisson(4, n).astype(float),
            "recency_days": rng.uniform(0, 365, n).round(0),
            "web_session_count": rng.poisson(10, n).astype(float),
            "email_open_rate": rng.uniform(0, 1, n),
        }
    )
    segments = np.where(
        frame["order_count"] > 5, 1, np.where(frame["recency_days"] <= 90, 2, 3)
    ).astype(np.int64)
    flipped = rng.random(n) < 0.01
    segments[flipped] = rng.integers(1, 4, flipped.sum())
    return frame, segments


FEATURES = ["order_count", "recency_days", "web_session_count", "email_open_rate"]


def test_separable_segments_are_explained_with_high_fidelity():
    frame, segments = _three_segments()
    names = {1: "Loyal", 2: "Recent", 3: "Lapsed"}
    rules = explain_segments(frame, segments, FEATURES, segment_names=names)

    overall = rules[rules["rule_scope"] == "overall"].iloc[0]
    assert overall["rule_id"] == "overall"
    assert pd.isna(overall["segment_id"])
    assert overall["customers_matched"] == len(frame)
    assert overall["precision"] >= 0.95
    assert overall["rule_text"].endswith(f"fidelity {overall['precision']:.2f}")
    per_segment = rules[rules["rule_scope"] == "segment"].set_index("segment_id")
    assert list(per_segment.index) == [1, 2, 3]
    assert per_segment["segment_name"].to_dict() == names
    assert (per_segment["segment_recall"] >= 0.9).all()
    assert overall["segment_recall"] == pytest.approx(per_segment["segment_recall"].mean())
    leaves = rules[rules["rule_scope"] == "leaf"]
    assert list(leaves["rule_id"]) == [f"leaf|{i}" for i in range(1, len(leaves) + 1)]
    assert (leaves["depth"] <= 3).all()
    # The leaves partition the customers, and the noise features are not needed.
    assert leaves["customers_matched"].sum() == len(frame)
    assert not rules["rule_text"].str.contains("web_session_count|email_open_rate").any()
    assert (rules["feature_count"] == 4).all() and (rules["fit_row_count"] == len(frame)).all()


def test_every_predicate_selects_its_matched_customers_in_duckdb():
    frame, segments = _three_segments()
    rules = explain_segments(frame, segments, FEATURES)
    for rule in rules.itertuples():
        selected = _selected(frame, rule.sql_predicate)
        assert len(selected) == rule.customers_matched, rule.rule_id
        if rule.rule_scope != "overall":
            correct = int((segments[selected] == rule.segment_id).sum())
            assert correct == rule.customers_correct, rule.rule_id


def _with_nulls(n: int, seed: int, null_share: dict[str, float]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "trained_with_nulls": rng.normal(50, 20, n),
            "trained_without_nulls": rng.normal(0, 1, n),
            "other": rng.uniform(0, 10, n),
        }
    )
    for column, share in null_share.items():
        frame.loc[rng.random(n) < share, column] = np.nan
    return frame


def _boundary_rows(tree, feature_names: list[str]) -> pd.DataFrame:
    """For every split: values at, just below and just above the tree's threshold and the
    SQL cut-off, and its float32 rounding, where a wrong threshold or rounding would show."""
    rows = []
    structure = tree.tree_
    for node in range(structure.node_count):
        if structure.children_left[node] == structure.children_right[node]:
            continue
        threshold = float(structure.threshold[node])
        if not np.isfinite(threshold):
            continue
        cutoff = float32_cutoff(threshold)
        for value in (threshold, cutoff, float(np.float32(threshold))):
            for candidate in (np.nextafter(value, -np.inf), value, np.nextafter(value, np.inf)):
                rows.append({feature_names[int(structure.feature[node])]: float(candidate)})
    return pd.DataFrame(rows, columns=feature_names)


def _nulls_on_their_own(train: pd.DataFrame) -> np.ndarray:
    """Unknown values form their own segment: sklearn learns a split of nulls from all else
    (threshold +inf); the feature without nulls sends them to its larger, left child."""
    known = train["trained_with_nulls"].notna().to_numpy()
    by_other = np.where(train["trained_without_nulls"] > 0.3, 2, 3)
    segments = np.where(~known, 1, by_other)
    segments[train["other"].to_numpy() > 9.5] = 4
    return segments


def _nulls_like_low_values(train: pd.DataFrame) -> np.ndarray:
    """Unknown values behave like low ones: sklearn learns to send them left at a finite
    threshold; the feature without nulls has its larger child on the right."""
    low = (train["trained_with_nulls"] <= 40).to_numpy() | train["trained_with_nulls"].isna()
    by_other = np.where(train["trained_without_nulls"] > -0.8, 2, 3)
    segments = np.where(low.to_numpy(), 1, by_other)
    segments[train["other"].to_numpy() < 0.5] = 4
    return segments


@pytest.mark.parametrize("make_segments", [_nulls_on_their_own, _nulls_like_low_values])
def test_sql_predicates_match_tree_apply_with_nulls_at_fit_and_at_predict_time(make_segments):
    # Nulls only in one feature at fit time; the segment depends on them and on a feature
    # without nulls, so the tree must split on both kinds.
    train = _with_nulls(4_000, seed=1, null_share={"trained_with_nulls": 0.2})
    segments = make_segments(train).astype(np.int64)
    feature_names = ["trained_with_nulls", "trained_without_nulls", "other"]
    rule_tree = fit_rule_tree(train, segments, feature_names, RuleConfig(max_depth=3))
    structure = rule_tree.model.tree_
    split_features = {feature_names[f] for f in structure.feature[structure.feature >= 0]}
    assert {"trained_with_nulls", "trained_without_nulls", "other"} <= split_features
    assert set(structure.missing_go_to_left[structure.feature >= 0]) == {0, 1}

    # New customers: nulls in every feature (also those with none at fit time), pd.NA in
    # one column, and values on both sides of every threshold and SQL cut-off.
    fresh = _with_nulls(
        4_000,
        seed=2,
        null_share={"trained_with_nulls": 0.3, "trained_without_nulls": 0.3, "other": 0.3},
    )
    boundary = _boundary_rows(rule_tree.model, feature_names)
    filler = fresh.sample(len(boundary), random_state=3).reset_index(drop=True)
    new = pd.concat([fresh, boundary.combine_first(filler)], ignore_index=True)
    new["other"] = new["other"].astype("Float64")  # pd.NA, not NaN
    assert new["other"].isna().any() and new["trained_without_nulls"].isna().any()

    leaves = rule_tree.apply(new)
    rules = leaf_rules(rule_tree.model, rule_tree.feature_names)
    assert len(rules) == int((structure.children_left == -1).sum())
    for rule in rules:
        expected = np.flatnonzero(leaves == rule.node_id)
        np.testing.assert_array_equal(_selected(new, rule.sql_predicate), expected)


def test_sql_threshold_is_where_the_tree_splits_after_float32_rounding():
    """Fitted between 123.45 and 123.47, the tree's threshold is 123.4599990845 (a float32
    midpoint), yet it sends 123.46 left because it compares float32(123.46)."""
    frame = pd.DataFrame({"monetary_amount": [123.45, 123.47]})
    rule_tree = fit_rule_tree(frame, np.array([1, 2]), ["monetary_amount"])
    threshold = float(rule_tree.model.tree_.threshold[0])
    assert threshold < 123.46
    new = pd.DataFrame({"monetary_amount": [123.46, 123.465, 123.45, 123.47]})
    leaves = rule_tree.apply(new)
    rules = leaf_rules(rule_tree.model, rule_tree.feature_names)
    assert [rule.rule_text for rule in rules] == [
        "monetary_amount <= 123.5",
        "monetary_amount > 123.5 (or unknown)",  # one customer each side: ties go right
    ]
    for rule in rules:
        expected = np.flatnonzero(leaves == rule.node_id)
        np.testing.assert_array_equal(_selected(new, rule.sql_predicate), expected)
    assert list(leaves == rules[0].node_id) == [True, False, True, False]


def test_float32_cutoff_agrees_with_float32_rounding():
    rng = np.random.default_rng(4)
    as_float32 = (rng.normal(0, 1, 2_000) * 10.0 ** rng.integers(-6, 9, 2_000)).astype(np.float32)
    thresholds = [
        float(a) / 2 + float(b) / 2 for a, b in zip(as_float32, as_float32[::-1], strict=True)
    ]
    thresholds += [float(v) for v in as_float32] + [0.0, 3.5, -41.5, 123.45999908447266]
    for threshold in thresholds:
        cutoff = float32_cutoff(threshold)
        for value in (np.nextafter(cutoff, -np.inf), cutoff, np.nextafter(cutoff, np.inf)):
            assert (float(np.float32(value)) <= threshold) == (value <= cutoff), threshold


def test_null_and_constant_columns_are_not_used():
    frame, segments = _three_segments(n=1_000)
    frame["nan_column"] = np.nan
    frame["na_column"] = pd.array([pd.NA] * len(frame), dtype="Float64")
    frame["object_na_column"] = pd.Series([pd.NA] * len(frame), dtype=object)
    frame["constant"] = 7.0
    frame["constant_with_nulls"] = np.where(np.arange(len(frame)) % 3 == 0, np.nan, 1.0)
    unusable = ["nan_column", "na_column", "object_na_column", "constant", "constant_with_nulls"]
    rules = explain_segments(frame, segments, ["order_count", "recency_days", *unusable])
    assert (rules["feature_count"] == 2).all()
    assert not rules["sql_predicate"].str.contains("|".join(unusable)).any()
    overall = rules[rules["rule_scope"] == "overall"].iloc[0]
    assert overall["precision"] >= 0.95
    assert " tree on 2 features, " in overall["rule_text"]


def test_no_usable_column_gives_one_rule_for_the_largest_segment():
    frame = pd.DataFrame({"empty": [np.nan] * 10, "constant": [1.0] * 10})
    segments = np.array([1] * 7 + [2] * 3)
    rules = explain_segments(frame, segments, ["empty", "constant"]).set_index("rule_id")
    assert list(rules.index) == ["leaf|1", "segment|1", "segment|2", "overall"]
    assert rules.loc["leaf|1", "sql_predicate"] == "true"
    assert rules.loc["leaf|1", "segment_id"] == 1
    assert rules.loc["segment|2", "sql_predicate"] == "false"
    assert rules.loc["overall", "precision"] == pytest.approx(0.7)
    assert (rules["feature_count"] == 0).all()


def test_single_segment_gives_a_true_predicate_with_full_fidelity():
    frame, _ = _three_segments(n=500)
    rules = explain_segments(frame, np.full(len(frame), 1), FEATURES).set_index("rule_id")
    assert list(rules.index) == ["leaf|1", "segment|1", "overall"]
    assert rules.loc["segment|1", "sql_predicate"] == "true"
    assert rules.loc["segment|1", "rule_text"] == "all customers"
    assert rules.loc["segment|1", "depth"] == 0
    for rule_id in ("segment|1", "overall"):
        assert rules.loc[rule_id, "precision"] == 1.0
        assert rules.loc[rule_id, "segment_recall"] == 1.0
        assert rules.loc[rule_id, "customers_matched"] == len(frame)


@pytest.mark.parametrize("depth", [0, 4, 10])
def test_depth_outside_one_to_three_is_refused(depth):
    with pytest.raises(ValueError, match="max_depth"):
        RuleConfig(max_depth=depth)


def test_same_input_gives_the_same_rules_and_the_sample_is_fixed_size():
    frame, segments = _three_segments(n=3_000)
    frame.loc[frame.index % 7 == 0, "recency_days"] = np.nan
    config = RuleConfig(sample_size=1_000, seed=7)
    first = explain_segments(frame, segments, FEATURES, config)
    second = explain_segments(frame.copy(), pd.Series(segments), FEATURES, config)
    pd.testing.assert_frame_equal(first, second)
    assert (first["fit_row_count"] == 1_000).all()
    overall = first[first["rule_scope"] == "overall"].iloc[0]
    assert overall["customers_matched"] == 3_000  # fidelity over all rows, not the sample


def test_min_leaf_share_sets_the_smallest_leaf():
    frame, segments = _three_segments(n=1_000)
    rule_tree = fit_rule_tree(frame, segments, FEATURES, RuleConfig(min_leaf_share=0.07))
    assert rule_tree.model.min_samples_leaf == 70
    structure = rule_tree.model.tree_
    assert structure.n_node_samples[structure.children_left == -1].min() >= 70


def test_segment_no_leaf_predicts_gets_false_and_zero_recall():
    frame, segments = _three_segments(n=1_000)
    segments[:3] = 9  # three customers cannot fill a leaf of at least 50
    rules = explain_segments(frame, segments, FEATURES, RuleConfig(min_leaf_share=0.05))
    row = rules.set_index("rule_id").loc["segment|9"]
    assert row["sql_predicate"] == "false"
    assert row["rule_text"] == "no rule predicts this segment"
    assert row["customers_matched"] == 0 and row["customers_correct"] == 0
    assert pd.isna(row["precision"]) and pd.isna(row["depth"])
    assert row["segment_recall"] == 0.0


def test_counts_on_a_hand_checked_example():
    """x = 1..12. Segment 1 holds x in {1, 2, 3, 8, 9, 10, 11} (7 customers), segment 2
    holds {4, 5, 6, 7, 12} (5). A depth-2 tree finds x <= 3.5 -> 1, 3.5 < x <= 7.5 -> 2 and
    x > 7.5 -> 1, so segment 1's union rule matches 8 customers of whom 7 are right (x = 12
    is segment 2): precision 7/8, recall 7/7; segment 2: precision 4/4, recall 4/5."""
    frame = pd.DataFrame({"x": np.arange(1, 13, dtype=float)})
    segments = np.array([1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 2])
    config = RuleConfig(max_depth=2, min_leaf_share=0)
    rules = explain_segments(frame, segments, ["x"], config).set_index("rule_id")

    assert list(rules["rule_text"]) == [
        "x <= 3.5",
        "3.5 < x <= 7.5",
        "x > 7.5 (or unknown)",  # no nulls at fit time: a null goes to the larger side
        "x <= 3.5 OR x > 7.5 (or unknown)",
        "3.5 < x <= 7.5",
        "depth-2 tree on 1 feature, fidelity 0.92",
    ]
    expected = {
        # rule_id: (matched, correct, precision, segment_recall, depth)
        "leaf|1": (3, 3, 1.0, 3 / 7, 1),
        "leaf|2": (4, 4, 1.0, 4 / 5, 2),
        "leaf|3": (5, 4, 4 / 5, 4 / 7, 2),
        "segment|1": (8, 7, 7 / 8, 7 / 7, 2),
        "segment|2": (4, 4, 4 / 4, 4 / 5, 2),
        "overall": (12, 11, 11 / 12, (7 / 7 + 4 / 5) / 2, 2),
    }
    for rule_id, (matched, correct, precision, recall, depth) in expected.items():
        row = rules.loc[rule_id]
        assert (row["customers_matched"], row["customers_correct"]) == (matched, correct)
        assert row["precision"] == pytest.approx(precision), rule_id
        assert row["segment_recall"] == pytest.approx(recall), rule_id
        assert row["depth"] == depth, rule_id
    # A customer with x unknown is counted where the tree puts it: with segment 1.
    with_null = pd.concat([frame, pd.DataFrame({"x": [np.nan]})], ignore_index=True)
    assert 12 in _selected(with_null, rules.loc["segment|1", "sql_predicate"])
