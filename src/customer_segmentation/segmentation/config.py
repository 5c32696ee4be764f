"""How to segment: the settings the dbt model reads from YAML (`meta.segmentation`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Which rule made a run (segmentation_runs.method_version; the versions are described in the
# doc block segmentation_method_version). 1: K-means on equally weighted features, k by elbow
# and silhouette. 2: fences on extreme values, sparse K-means weights, k = the largest k >= 3
# that is distinct, stable (prediction strength >= 0.8) and targetable. 3: the same fences and
# k rule, equal feature weights and prediction strength >= 0.7 (sparse weights on request). 4:
# method 3's k, then customers go to the most probable segment of a Gaussian mixture with one
# shared covariance, started from the K-means centres (segmentation.refine). 5: method 4 with
# classification EM (hard memberships, equal segment sizes) in place of the mixture's EM. 6:
# method 5 with a k stable only when its prediction strength clears the threshold by more than
# its standard error over the splits. The two settings below pick among methods 3-6
# (SegmentationConfig.method_version); other pairs are refused.
METHOD_SETTINGS = {
    "3": ("nearest_centroid", "mean"),
    "4": ("shared_covariance", "mean"),
    "5": ("classification_em", "mean"),
    "6": ("classification_em", "lower_bound"),
}
FEATURE_WEIGHTINGS = ("equal", "sparse")
# The values each setting takes, newest method first (dict.fromkeys drops repeats, keeps order).
SEGMENT_ASSIGNMENTS = tuple(dict.fromkeys(a for a, _ in reversed(METHOD_SETTINGS.values())))
PREDICTION_STRENGTH_BOUNDS = tuple(dict.fromkeys(b for _, b in reversed(METHOD_SETTINGS.values())))


@dataclass(frozen=True)
class SegmentationConfig:
    """How to segment; the dbt model reads these from YAML (`meta.segmentation`)."""

    feature_columns: tuple[str, ...]
    log_columns: tuple[str, ...] = ()
    k_min: int = 2
    k_max: int = 10
    seed: int = 42
    n_init: int = 10
    fit_sample_size: int = 20_000
    silhouette_sample_size: int = 5_000
    min_segment_share: float = 0.02
    silhouette_tolerance: float = 0.02
    stability_sample_size: int = 5_000
    stability_resamples: int = 20
    stability_n_init: int = 3
    min_bootstrap_ari: float = 0.75
    min_segment_jaccard: float = 0.75
    max_match_distance_ratio: float = 0.5
    key_features: tuple[str, ...] = ("recency_days", "order_count", "monetary_amount")
    rule_max_depth: int = 3
    rule_min_leaf_share: float = 0.01
    # Extreme values: fences this many times the median-to-5th/95th-percentile distance beyond
    # that percentile, in transformed units (see prepare.clip_fences).
    clip_fence_multiple: float = 2.0
    # "equal": every standardised feature counts the same. "sparse": sparse K-means weights
    # (sparse.tune_bound), tuned per k on a fixed-size sample of weight_sample_size rows.
    feature_weighting: str = "equal"
    weight_sample_size: int = 2_000
    weight_bound_count: int = 6
    weight_permutations: int = 4
    weight_n_init: int = 2
    # Stable: prediction strength (Tibshirani & Walther 2005) at least this, on halves of a
    # fixed-size sample, averaged over this many random splits.
    min_prediction_strength: float = 0.7
    # "lower_bound": the mean over the splits minus its standard error must reach it (method 6,
    # what the warehouse's YAML sets); "mean": the mean alone (methods 2-5, and the default
    # here, the only bound the assignments of methods 3 and 4 take).
    prediction_strength_bound: str = "mean"
    prediction_strength_sample_size: int = 4_000
    prediction_strength_splits: int = 20
    # Who goes where at the chosen k: "classification_em" (the nearest segment in units of the
    # spread within segments, by classification EM from the K-means centres, method 5),
    # "shared_covariance" (the most probable segment of a Gaussian mixture with one covariance
    # matrix for all segments, method 4) or "nearest_centroid" (plain K-means, methods 1-3).
    # covariance_floor is added to the shared covariance's diagonal, in standardised units.
    segment_assignment: str = "classification_em"
    covariance_floor: float = 0.01
    # A number of segments the user asked for (var segment_count); None lets the rule choose.
    segment_count: int | None = None

    def __post_init__(self) -> None:
        # Checked here, not only in from_mapping, so that no way of making a config can reach
        # method_version with a pair of settings that is no method.
        bound = self.prediction_strength_bound
        if bound not in PREDICTION_STRENGTH_BOUNDS:
            raise ValueError(
                f"prediction_strength_bound must be one of {list(PREDICTION_STRENGTH_BOUNDS)} "
                f"(got {bound!r})"
            )
        if (self.segment_assignment, bound) not in METHOD_SETTINGS.values():
            raise ValueError(
                f"segment_assignment {self.segment_assignment!r} with prediction_strength_bound "
                f"{bound!r} is no method; the methods are {METHOD_SETTINGS}"
            )

    @property
    def method_version(self) -> str:
        settings = (self.segment_assignment, self.prediction_strength_bound)
        return next(version for version, pair in METHOD_SETTINGS.items() if pair == settings)

    @classmethod
    def from_mapping(cls, values: Mapping) -> SegmentationConfig:
        known = {name for name in cls.__dataclass_fields__}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown segmentation settings: {sorted(unknown)}")
        converted = dict(values)
        if converted.get("segment_count") in ("", None):
            converted["segment_count"] = None  # the var's default: the rule chooses
        elif "segment_count" in converted:
            count = str(converted["segment_count"]).strip()
            if not count.isdigit() or int(count) < 2:
                raise ValueError(
                    f"segment_count must be a whole number of at least 2 (got {count!r}); "
                    "leave it empty to let the rule choose"
                )
            converted["segment_count"] = int(count)
        weighting = converted.get("feature_weighting", cls.feature_weighting)
        if weighting not in FEATURE_WEIGHTINGS:
            raise ValueError(
                f"feature_weighting must be one of {list(FEATURE_WEIGHTINGS)} (got {weighting!r})"
            )
        assignment = converted.get("segment_assignment", cls.segment_assignment)
        if assignment not in SEGMENT_ASSIGNMENTS:
            raise ValueError(
                f"segment_assignment must be one of {list(SEGMENT_ASSIGNMENTS)} "
                f"(got {assignment!r})"
            )
        for name in ("feature_columns", "log_columns", "key_features"):
            if name in converted:
                converted[name] = tuple(converted[name])
        return cls(**converted)

    @classmethod
    def for_format(
        cls, values: Mapping, raw_format: str, segment_count: int | str | None = None
    ) -> SegmentationConfig:
        """The settings for one raw format: the shared ones, with the entries of
        `format_overrides[raw_format]` (if any) replacing them, and the var segment_count."""
        shared = dict(values)
        overrides = shared.pop("format_overrides", None) or {}
        return cls.from_mapping(
            {**shared, **(overrides.get(raw_format) or {}), "segment_count": segment_count}
        )
