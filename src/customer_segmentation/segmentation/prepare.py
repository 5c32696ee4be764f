"""From the `customer_features` mart to the matrix K-means sees: sorted rows, transformed,
imputed and standardised features, and a record of how each feature was treated."""

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


def prepare_features(features: pd.DataFrame, config: SegmentationConfig) -> PreparedFeatures:
    """Sort, transform, impute and standardise; drop features that cannot inform a cluster.

    A feature null for every customer (its source file was not supplied) or constant is
    dropped and recorded, not an error. Other nulls take the feature's median after the log
    transform, so a customer without, say, a survey answer sits at the typical value.
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
            mean, scale = float(values.mean()), float(values.std())
            columns.append((values - mean) / scale)
            record.update(
                is_feature_used=True, impute_value=median, scaler_mean=mean, scaler_scale=scale
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
