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
from customer_segmentation.segmentation.frames import FIT_COLUMN_TYPES, SegmentationFit
from customer_segmentation.segmentation.prepare import ID_COLUMN

SQL_TYPES = {"string": "varchar", "Int64": "bigint", "boolean": "boolean", "Float64": "double"}
LEADING_COLUMNS = ["fit_row_id", "row_kind"]


def read_features(features, config: SegmentationConfig):
    """The columns of `customer_features` the fit reads (ids, features, the column that orders
    segment ids), sorted by customer id, as a pandas frame. A feature the mart lacks is left
    for `prepare_features` to name in its error."""
    wanted = dict.fromkeys([ID_COLUMN, *config.feature_columns, ORDERING_COLUMN])
    present = [column for column in wanted if column in features.columns]
    return features.project(", ".join(present)).order(ID_COLUMN).df()


def fit_relation(session, fit: SegmentationFit):
    """`fit.to_frame()` as a DuckDB relation on `session`, every column cast to its type."""
    columns = LEADING_COLUMNS + sorted(set(FIT_COLUMN_TYPES) - set(LEADING_COLUMNS))

    def select_list(present, computed: dict[str, str]) -> str:
        return ", ".join(
            f"cast({computed.get(c, c if c in present else 'null')} as "
            f"{SQL_TYPES[FIT_COLUMN_TYPES[c]]}) as {c}"
            for c in columns
        )

    others = fit.to_frame(include_customers=False)
    customers = fit.assignments
    customer_columns = {
        "fit_row_id": f"'customer|' || {ID_COLUMN}",
        "row_kind": "'customer'",
    }
    customer_rows = session.from_df(customers).project(
        select_list(set(customers.columns), customer_columns)
    )
    other_rows = session.from_df(others).project(select_list(set(others.columns), {}))
    return other_rows.union(customer_rows)
