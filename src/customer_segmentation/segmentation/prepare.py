"""From the `customer_features` mart to the matrix K-means sees: sorted rows, transformed,
imputed, fenced and standardised features, and a record of how each feature was treated.

Fences keep a few extreme customers (a wholesaler among households, a customer whose returns
exceed their purchases) from taking a centroid of their own or deciding k: K-means minimises
squared distances, so a handful of points ten standard deviations out pull a centroid to
themselves. Each feature is clipped, in its transformed units, at fences a fixed multiple of
its own spread beyond its 5th and 95th percentiles (see `clip_fences`); the customers stay in
the data and are assigned like everyone else, at the fence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.segmentation.config import SegmentationConfig

ID_COLUMN = "customer_id"


@dataclass
class PreparedFeatures:
    """The standardised matrix and how every configured feature was treated."""

    customer_ids: np.ndarray
    matrix: np.ndarray
    used: list[str]
    treatment: pd.DataFrame  # one row per configured feature


def signed_log1p(values: np.ndarray) -> np.ndarray:
    """log1p that keeps the sign, so net amounts below zero (returns) stay ordered."""
    return np.sign(values) * np.log1p(np.abs(values))


def inverse_signed_log1p(values):
    """The raw value whose signed log1p is `values`."""
    return np.sign(values) * np.expm1(np.abs(values))


def clip_fences(known: np.ndarray, multiple: float) -> tuple[float | None, float | None]:
    """Lower and upper fences for one feature's known (transformed) values, or None for a side
    with nothing to clip.

    Upper fence: the 95th percentile plus `multiple` times its distance from the median (for a
    normal feature and multiple 2: 4.9 SD above the mean, passed by about one customer in two
    million; for an exponential one, 7.6 means). Percentiles, not the mean and SD, set it, so
    the extreme values cannot move their own fence; 5% of customers must sit beyond a value
    before it shapes the fence. Where the 95th percentile equals the median (over 45% of
    customers share one value, as with counts that are mostly zero) the 99th percentile takes
    its place; where that equals it too, the side is not clipped. The lower fence mirrors
    this. A two-valued flag is never clipped: its fences fall beyond both values.
    """
    q01, q05, q50, q95, q99 = np.quantile(known, [0.01, 0.05, 0.5, 0.95, 0.99])
    upper_anchor = q95 if q95 > q50 else q99
    lower_anchor = q05 if q05 < q50 else q01
    upper = upper_anchor + multiple * (upper_anchor - q50) if upper_anchor > q50 else None
    lower = lower_anchor - multiple * (q50 - lower_anchor) if lower_anchor < q50 else None
    return (
        float(lower) if lower is not None and lower > known.min() else None,
        float(upper) if upper is not None and upper < known.max() else None,
    )


def prepare_features(features: pd.DataFrame, config: SegmentationConfig) -> PreparedFeatures:
    """Sort, transform, impute, fence and standardise; drop features that cannot inform a
    cluster.

    A feature null for every customer (its source file was not supplied) or constant is
    dropped and recorded, not an error. Other nulls take the feature's median after the log
    transform, so a customer without, say, a survey answer sits at the typical value. Values
    beyond the fences are clipped to them; the fences are recorded in the feature's own units
    (clipping there is the same as clipping the transformed value), with how many customers
    each side moved.
    """
    missing = [c for c in (ID_COLUMN, *config.feature_columns) if c not in features.columns]
    if missing:
        raise ValueError(f"customer_features lacks configured column(s): {missing}")
    frame = features.sort_values(ID_COLUMN, kind="mergesort").reset_index(drop=True)
    records, columns = [], []
    for name in config.feature_columns:
        values = pd.to_numeric(frame[name], errors="coerce").astype(float).to_numpy()
        is_log = name in config.log_columns
        if is_log:
            values = signed_log1p(values)
        known = values[~np.isnan(values)]
        record = {
            "feature_name": name,
            "is_log_transformed": is_log,
            "null_share": float(np.isnan(values).mean()) if len(values) else 1.0,
            "is_feature_used": False,
            "feature_drop_reason": None,
            "impute_value": None,
            "clip_lower_value": None,
            "clip_upper_value": None,
            "clipped_customer_count": 0,
            "clipped_customer_share": 0.0,
            "scaler_mean": None,
            "scaler_scale": None,
        }
        if known.size == 0:
            record["feature_drop_reason"] = "null for every customer"
        elif np.ptp(known) == 0:
            record["feature_drop_reason"] = "constant for every customer"
        else:
            median = float(np.median(known))
            values = np.where(np.isnan(values), median, values)
            lower, upper = clip_fences(known, config.clip_fence_multiple)
            clipped = np.clip(
                values, -np.inf if lower is None else lower, np.inf if upper is None else upper
            )
            moved = int((clipped != values).sum())
            mean, scale = float(clipped.mean()), float(clipped.std())
            columns.append((clipped - mean) / scale)
            raw_units = inverse_signed_log1p if is_log else float
            record.update(
                is_feature_used=True,
                impute_value=median,
                clip_lower_value=None if lower is None else float(raw_units(lower)),
                clip_upper_value=None if upper is None else float(raw_units(upper)),
                clipped_customer_count=moved,
                clipped_customer_share=moved / len(values),
                scaler_mean=mean,
                scaler_scale=scale,
            )
        records.append(record)
    used = [r["feature_name"] for r in records if r["is_feature_used"]]
    matrix = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    return PreparedFeatures(
        customer_ids=frame[ID_COLUMN].astype(str).to_numpy(),
        matrix=matrix,
        used=used,
        treatment=pd.DataFrame.from_records(records),
    )


def sample_rows(n_rows: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a fixed-size random sample (all rows when there are fewer)."""
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=size, replace=False))
