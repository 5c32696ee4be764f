"""Who goes where at the chosen k: method 5's classification EM (hard memberships, one shared
covariance, equal sizes) or method 4's Gaussian mixture with one shared covariance, both started
from the K-means centres; their linear rule is what the warehouse stores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

from customer_segmentation.segmentation.assign import RULE_NAMES, RULE_OUTCOMES
from customer_segmentation.segmentation.config import METHOD_SETTINGS, SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.refine import (
    classification_em_discriminant,
    shared_covariance_discriminant,
)

FEATURES = ("monetary_amount", "order_count", "recency_days", "tenure_days", "age_years")


def _config(**overrides) -> SegmentationConfig:
    return SegmentationConfig(
        **{"feature_columns": FEATURES, "k_min": 2, "k_max": 6, "seed": 3, **overrides}
    )


def _groups_and_a_correlated_pair(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three groups (50/30/20%) apart on two features, and two features that move together
    and carry no group: standardised, the pair outweighs the groups, so K-means cuts along it.
    A fifth feature is pure noise."""
    rng = np.random.default_rng(seed)
    blocks, truth = [], []
    for group, ((x, y), size) in enumerate(
        zip([(0, 0), (6, 0), (0, 6)], (600, 360, 240), strict=True)
    ):
        shared = rng.normal(0, 1, size)
        blocks.append(
            np.column_stack(
                [
                    rng.normal(x, 1, size),
                    rng.normal(y, 1, size),
                    shared + rng.normal(0, 0.3, size),
                    shared + rng.normal(0, 0.3, size),
                    rng.normal(0, 1, size),
                ]
            )
        )
        truth += [group] * size
    frame = pd.DataFrame(np.vstack(blocks), columns=list(FEATURES))
    frame["customer_id"] = [f"G{i:05d}" for i in range(len(frame))]
    return frame, np.array(truth)


def _tilted_groups(per_group: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three groups 2.5 apart on one feature, buried under a strongly correlated noise pair and
    one more noise feature (the first four FEATURES): K-means cuts along the noise, and EM
    started there moves only part of the way, differently on each resample."""
    rng = np.random.default_rng(seed)
    blocks, truth = [], []
    for group, centre in enumerate((-2.5, 0.0, 2.5)):
        shared = rng.normal(0, 1.5, per_group)
        blocks.append(
            np.column_stack(
                [
                    rng.normal(centre, 0.8, per_group),
                    shared + rng.normal(0, 0.5, per_group),
                    shared + rng.normal(0, 0.5, per_group),
                    rng.normal(0, 1, per_group),
                ]
            )
        )
        truth += [group] * per_group
    frame = pd.DataFrame(np.vstack(blocks), columns=list(FEATURES[:4]))
    frame["customer_id"] = [f"T{i:05d}" for i in range(len(frame))]
    return frame, np.array(truth)


def test_the_stored_rule_is_the_mixtures_own_prediction():
    rng = np.random.default_rng(1)
    matrix = np.vstack([rng.normal(c, 1, (300, 3)) for c in (0, 3, 6)])
    centres = np.array([[0.2] * 3, [3.1] * 3, [5.8] * 3])
    scale = np.array([0.5, 1.0, 2.0])  # weighted space = standardised x times scale
    rule = shared_covariance_discriminant(matrix * scale, centres * scale, scale, 0.01, 0)
    mixture = GaussianMixture(
        3, covariance_type="tied", reg_covar=0.01, means_init=centres * scale, random_state=0
    ).fit(matrix * scale)
    assert (rule.predict(matrix) == mixture.predict(matrix * scale)).all()


def _groups_in_noise(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Three groups (50/30/20%) 4 apart on two features, and three features of pure noise that
    standardised count as much: K-means misplaces customers near the boundaries."""
    rng = np.random.default_rng(seed)
    blocks, truth = [], []
    for group, (centre, size) in enumerate(
        zip([(0, 0), (4, 0), (0, 4)], (600, 360, 240), strict=True)
    ):
        blocks.append(
            np.column_stack([rng.normal(centre, 1, (size, 2)), rng.normal(0, 1, (size, 3))])
        )
        truth += [group] * size
    frame = pd.DataFrame(np.vstack(blocks), columns=list(FEATURES))
    frame["customer_id"] = [f"N{i:05d}" for i in range(len(frame))]
    return frame, np.array(truth)


def test_classification_em_stops_where_its_own_step_moves_no_customer():
    rng = np.random.default_rng(1)
    matrix = np.vstack([rng.normal(c, 1, (n, 3)) for c, n in ((0, 400), (2.5, 250), (5, 150))])
    centres = np.array([[0.5] * 3, [2.0] * 3, [5.5] * 3])
    scale = np.array([0.5, 1.0, 2.0])  # weighted space = standardised x times scale
    rule = classification_em_discriminant(matrix * scale, centres * scale, scale, 0.01, 0)
    labels = rule.predict(matrix)
    # One more step from the rule's own segments: means, the pooled spread within segments
    # (plus the floor), and equal sizes give the same rule back.
    space = matrix * scale
    means = np.vstack([space[labels == s].mean(axis=0) for s in range(3)])
    within = space - means[labels]
    covariance = within.T @ within / len(space) + 0.01 * np.eye(3)
    coefficients = np.linalg.solve(covariance, means.T).T
    assert np.allclose(rule.coefficients, coefficients * scale)
    assert np.allclose(rule.intercepts, -0.5 * (coefficients * means).sum(axis=1))


def test_classification_em_has_no_rule_when_a_segment_empties():
    matrix = np.random.default_rng(2).normal(0, 1, (300, 2))
    far_away = np.array([[0.0, 0.0], [40.0, 40.0]])
    assert classification_em_discriminant(matrix, far_away, np.ones(2), 0.01, 0) is None


@pytest.mark.parametrize(
    ("assignment", "data", "reason", "at_least", "plain_at_most"),
    [
        # measured 0.913 against K-means' 0.890
        ("classification_em", _groups_in_noise, "in units of the spread within", 0.9, 0.895),
        # measured 0.998 against K-means' 0.30
        ("shared_covariance", _groups_and_a_correlated_pair, "most probable segment", 0.95, 0.5),
    ],
)
def test_the_rule_recovers_the_groups_and_its_stored_form_reproduces_them(
    assignment, data, reason, at_least, plain_at_most
):
    frame, truth = data()
    shared = fit_segments(frame, _config(segment_count=3, segment_assignment=assignment))
    plain = fit_segments(frame, _config(segment_count=3, segment_assignment="nearest_centroid"))
    order = frame["customer_id"]
    shared_ids = shared.assignments.set_index("customer_id").loc[order, "segment_id"]
    plain_ids = plain.assignments.set_index("customer_id").loc[order, "segment_id"]
    assert f"customers to the {RULE_OUTCOMES[assignment]}" in _reason(shared)
    assert reason in RULE_OUTCOMES[assignment]
    assert adjusted_rand_score(truth, shared_ids) > at_least
    assert adjusted_rand_score(truth, plain_ids) < plain_at_most
    assert plain.centroids["discriminant_coefficient"].isna().all()
    assert METHOD_SETTINGS[shared.run["method_version"].iloc[0]] == (assignment, "mean")
    # The stored coefficients and intercepts, applied to the standardised features as the SQL
    # macro assign_to_centroids applies them, give every customer the fit's segment.
    treatment = shared.features.set_index("feature_name").loc[list(FEATURES)]
    z = (frame[list(FEATURES)] - treatment["scaler_mean"].to_numpy()) / treatment[
        "scaler_scale"
    ].to_numpy()
    rule = shared.centroids.pivot(
        index="segment_id", columns="feature_name", values="discriminant_coefficient"
    )[list(FEATURES)]
    intercepts = shared.centroids.groupby("segment_id")["discriminant_intercept"].first()
    scores = z.to_numpy() @ rule.to_numpy().T + intercepts[rule.index].to_numpy()
    assert (rule.index.to_numpy()[scores.argmax(axis=1)] == shared_ids.to_numpy()).all()


@pytest.mark.parametrize("assignment", ["classification_em", "shared_covariance"])
def test_a_rule_whose_segments_do_not_come_back_on_resamples_is_not_used(assignment):
    frame, _ = _tilted_groups()
    fit = fit_segments(
        frame,
        _config(segment_count=3, feature_columns=FEATURES[:4], segment_assignment=assignment),
    )
    expected = f"customers to the nearest centroid ({RULE_NAMES[assignment]}'s least stable"
    assert expected in _reason(fit)
    assert fit.centroids["discriminant_coefficient"].isna().all()
    assert (fit.segments["bootstrap_jaccard_mean"] > 0).all()  # K-means' own, measured


def test_classification_em_stays_where_kmeans_cut_along_correlated_noise():
    """The cost of hard memberships, kept in view: where a correlated pair of noise features
    outweighs the groups, K-means cuts along the pair, and classification EM started there
    cannot move part of the way as the mixture's soft memberships do (which recover the
    groups, test above). Its refits disagree, so the gate keeps K-means: no worse than
    method 3, worse than method 4 on this shape."""
    frame, truth = _groups_and_a_correlated_pair()
    fit = fit_segments(frame, _config(segment_count=3))
    ids = fit.assignments.set_index("customer_id").loc[frame["customer_id"], "segment_id"]
    assert "customers to the nearest centroid (the classification-EM rule's least" in _reason(fit)
    assert adjusted_rand_score(truth, ids) < 0.5  # measured 0.30, K-means' own


def _reason(fit) -> str:
    return fit.run["selection_reason"].iloc[0]


def test_one_population_keeps_kmeans_tiers():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(rng.normal(0, 1, (900, 5)), columns=list(FEATURES))
    frame["customer_id"] = [f"P{i:05d}" for i in range(len(frame))]
    fit = fit_segments(frame, _config())
    assert _reason(fit).startswith("no cluster structure")
    assert "no group structure for a shared covariance to model" in _reason(fit)
    assert fit.centroids["discriminant_coefficient"].isna().all()
