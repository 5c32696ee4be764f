"""`int_segmentation_fit` as the dbt Python model builds it on DuckDB: the customer features read
narrow and sorted by DuckDB, and the long table assembled by DuckDB.

`SegmentationFit.to_frame` builds the same table in pandas (the Spark path and the tests use it).
At a million customers its customer rows are a million rows of 92 nullable columns, and with
the whole `customer_features` mart read beside them the model pushed the 1M build over its
4 GiB budget (bench/results). Here the few hundred other rows come from `to_frame` and the
customer rows go to DuckDB as the five columns they fill; a test checks both give one table.
"""

from __future__ import annotations

from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.fit import ORDERING_COLUMN
from customer_segmentation.segmentation.frames import SegmentationFit
from customer_segmentation.segmentation.prepare import ID_COLUMN
from customer_segmentation.typed_relation import typed_relation


def read_features(features, config: SegmentationConfig):
    """The columns of `customer_features` the fit reads (ids, features, the column that orders
    segment ids), sorted by customer id, as a pandas frame. A feature the mart lacks is left
    for `prepare_features` to name in its error."""
    wanted = dict.fromkeys([ID_COLUMN, *config.feature_columns, ORDERING_COLUMN])
    present = [column for column in wanted if column in features.columns]
    return features.project(", ".join(present)).order(ID_COLUMN).df()


def fit_relation(session, fit: SegmentationFit):
    """`fit.to_frame()` as a DuckDB relation on `session`, every column cast to its type."""
    others = fit.to_frame(include_customers=False)
    schema = others.dtypes.astype(str).to_dict()
    customer_columns = {
        "fit_row_id": f"'customer|' || {ID_COLUMN}",
        "row_kind": "'customer'",
    }
    customer_rows = typed_relation(session, fit.assignments, schema, customer_columns)
    return typed_relation(session, others, schema).union(customer_rows)
