"""Method 4's assignment: a Gaussian mixture with one shared covariance, started from the
K-means centres, decides who belongs where; its linear rule is what the warehouse stores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.refine import shared_covariance_discriminant

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


def test_the_shared_covariance_recovers_the_groups_and_its_stored_rule_reproduces_them():
    frame, truth = _groups_and_a_correlated_pair()
    shared = fit_segments(frame, _config(segment_count=3))
    plain = fit_segments(frame, _config(segment_count=3, segment_assignment="nearest_centroid"))
    order = frame["customer_id"]
    shared_ids = shared.assignments.set_index("customer_id").loc[order, "segment_id"]
    plain_ids = plain.assignments.set_index("customer_id").loc[order, "segment_id"]
    assert "customers to the most probable segment of a shared-covariance" in _reason(shared)
    assert adjusted_rand_score(truth, shared_ids) > 0.95  # measured 0.998
    assert adjusted_rand_score(truth, plain_ids) < 0.5  # measured 0.30
    assert plain.centroids["discriminant_coefficient"].isna().all()
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


def test_a_mixture_whose_segments_do_not_come_back_on_resamples_is_not_used():
    frame, _ = _tilted_groups()
    fit = fit_segments(frame, _config(segment_count=3, feature_columns=FEATURES[:4]))
    assert "customers to the nearest centroid (the shared-covariance mixture's least" in _reason(
        fit
    )
    assert fit.centroids["discriminant_coefficient"].isna().all()
    assert (fit.segments["bootstrap_jaccard_mean"] > 0).all()  # K-means' own, measured


def _reason(fit) -> str:
    return fit.run["selection_reason"].iloc[0]


def test_one_population_keeps_kmeans_tiers():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(rng.normal(0, 1, (900, 5)), columns=list(FEATURES))
    frame["customer_id"] = [f"P{i:05d}" for i in range(len(frame))]
    fit = fit_segments(frame, _config())
    assert _reason(fit).startswith("no cluster structure")
    assert "no group structure for a mixture to model" in _reason(fit)
    assert fit.centroids["discriminant_coefficient"].isna().all()
