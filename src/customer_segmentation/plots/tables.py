"""Small reads that several figures share: band order, the clustering features and the
customers' standardised feature matrix as the fit saw it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from customer_segmentation.segmentation.prepare import signed_log1p
from customer_segmentation.warehouse import NoData, Warehouse

UNKNOWN = "unknown"


def band_order(warehouse: Warehouse, seed: str, column: str, values: Iterable[str]) -> list[str]:
    """The values in the seed's `sort_order` (age and income bands), then any others
    alphabetically, `unknown` last."""
    values = list(values)
    order: list[str] = []
    if warehouse.has(seed, [column, "sort_order"]):
        try:
            order = list(warehouse.table(seed, [column], "sort_order")[column])
        except NoData:
            order = []
    known = [v for v in order if v in values]
    rest = sorted(v for v in values if v not in known and v != UNKNOWN)
    return known + rest + ([UNKNOWN] if UNKNOWN in values else [])


def used_features(warehouse: Warehouse) -> list[str]:
    """The features the K-means fit used, in the configured order."""
    treatment = warehouse.query(
        "select feature_name from segmentation_features where is_feature_used",
        {"segmentation_features": ["feature_name", "is_feature_used"]},
    )
    features = [f for f in treatment.feature_name if f in warehouse.columns("customer_features")]
    if len(features) < 2:
        raise NoData("fewer than two clustering features were used")
    return features


def standardised_features(warehouse: Warehouse) -> tuple[pd.DataFrame, list[str]]:
    """customer_id, segment_id and the used features transformed exactly as the fit did
    (signed log1p where recorded, the recorded median for nulls, the recorded mean and scale),
    sorted by customer_id."""
    treatment = warehouse.query(
        "select feature_name, is_log_transformed, impute_value, scaler_mean, scaler_scale "
        "from segmentation_features where is_feature_used",
        {
            "segmentation_features": [
                "feature_name",
                "is_feature_used",
                "is_log_transformed",
                "impute_value",
                "scaler_mean",
                "scaler_scale",
            ]
        },
    )
    features = used_features(warehouse)
    columns = ", ".join(f"f.{name}" for name in features)
    frame = warehouse.query(
        f"select s.customer_id, s.segment_id, {columns} from customer_features as f "
        "inner join customer_segments as s on f.customer_id = s.customer_id "
        "order by s.customer_id",
        {
            "customer_features": ["customer_id", *features],
            "customer_segments": ["customer_id", "segment_id"],
        },
    )
    by_name = treatment.set_index("feature_name")
    for name in features:
        row = by_name.loc[name]
        values = pd.to_numeric(frame[name], errors="coerce").astype(float).to_numpy()
        if bool(row.is_log_transformed):
            values = signed_log1p(values)
        values = np.where(np.isnan(values), float(row.impute_value), values)
        frame[name] = (values - float(row.scaler_mean)) / float(row.scaler_scale)
    return frame, features
