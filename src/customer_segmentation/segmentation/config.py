"""How to segment: the settings the dbt model reads from YAML (`meta.segmentation`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


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

    @classmethod
    def from_mapping(cls, values: Mapping) -> SegmentationConfig:
        known = {name for name in cls.__dataclass_fields__}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown segmentation settings: {sorted(unknown)}")
        converted = dict(values)
        for name in ("feature_columns", "log_columns", "key_features"):
            if name in converted:
                converted[name] = tuple(converted[name])
        return cls(**converted)

    @classmethod
    def for_format(cls, values: Mapping, raw_format: str) -> SegmentationConfig:
        """The settings for one raw format: the shared ones, with the entries of
        `format_overrides[raw_format]` (if any) replacing them."""
        shared = dict(values)
        overrides = shared.pop("format_overrides", None) or {}
        return cls.from_mapping({**shared, **(overrides.get(raw_format) or {})})
