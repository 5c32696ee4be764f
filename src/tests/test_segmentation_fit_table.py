"""int_segmentation_fit as the dbt model builds it on DuckDB (features read narrow and sorted by
DuckDB, the long table assembled by DuckDB) is the table `SegmentationFit.to_frame` builds in
pandas for the Spark path, rows and types."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments
from customer_segmentation.segmentation.fit_table import fit_relation, read_features

FEATURES = ("monetary_amount", "recency_days", "order_count")


def _customers() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    centers = [(0, 0, 0), (6, 0, 0), (0, 6, 6)]
    points = np.vstack([rng.normal(center, 0.4, size=(120, 3)) for center in centers])
    frame = pd.DataFrame(points, columns=list(FEATURES))
    frame["customer_id"] = [f"C{i:04d}" for i in range(len(frame))]
    # A mart column the fit does not read.
    frame["preferred_channel"] = "web"
    return frame.sample(frac=1.0, random_state=3)


def test_the_duckdb_table_is_the_pandas_table():
    config = SegmentationConfig(feature_columns=FEATURES, k_min=2, k_max=6)
    customers = _customers()
    session = duckdb.connect()
    session.from_df(customers).create("customer_features")

    features = read_features(session.table("customer_features"), config)
    assert list(features.columns) == ["customer_id", *FEATURES]
    assert features["customer_id"].is_monotonic_increasing

    fit = fit_segments(features, config)
    relation = fit_relation(session, fit)
    expected = fit.to_frame()
    # Reading narrow changes nothing: the fit on the whole frame gives the same table.
    pd.testing.assert_frame_equal(expected, fit_segments(customers, config).to_frame())

    assert relation.columns == list(expected.columns)
    session.register("expected", expected)
    expected_relation = session.sql("select * from expected")
    assert relation.types == expected_relation.types
    built = relation.df()
    assert len(built) == len(expected) and (built["row_kind"] == "customer").sum() == 360
    # Every row is unique (fit_row_id), so equal counts and no row on either side alone.
    assert relation.except_(expected_relation).fetchall() == []
    assert expected_relation.except_(relation).fetchall() == []
