"""The table `int_clv_fit` stores, from `fit.fit_purposes`: a `parameters` row per fitted model
and a `customer` row per customer and fit purpose with every model's predictions.

Two assemblies of the same table. `fit_predicted_value` builds it in pandas, for the Spark path
and the tests. `fit_in_duckdb` reads each purpose's inputs from DuckDB relations and hands DuckDB
the narrow per-purpose frames to assemble: at a million customers the pandas assembly of three
million wide rows added about half a gigabyte beside the build's own DuckDB.
"""

from __future__ import annotations

import pandas as pd

from customer_segmentation.predicted_value.fit import (
    SUMMARY_COLUMNS,
    TRAINING_COLUMNS,
    PredictionSettings,
    fit_purposes,
)
from customer_segmentation.typed_relation import typed_relation

# Everything not listed is a float. These also give the Spark path its schema.
FIT_COLUMN_TYPES = {
    "fit_row_id": "string",
    "row_kind": "string",
    "fit_purpose": "string",
    "customer_id": "string",
    "model_name": "string",
    "fit_status": "string",
    "status_reason": "string",
    "is_in_spend_model": "boolean",
    "purchases_p10": "Int64",
    "purchases_p90": "Int64",
    "customers_used": "Int64",
    "customers_excluded": "Int64",
}
FIT_COLUMNS = [
    "fit_row_id",
    "row_kind",
    "fit_purpose",
    "customer_id",
    "expected_purchases",
    "purchases_p10",
    "purchases_p90",
    "probability_alive",
    "expected_average_spend_amount",
    "predicted_clv_amount",
    "learned_expected_purchases",
    "learned_expected_spend_amount",
    "learned_predicted_clv_amount",
    "is_in_spend_model",
    "model_name",
    "fit_status",
    "status_reason",
    "r",
    "alpha",
    "a",
    "b",
    "p",
    "q",
    "gamma",
    "penalizer",
    "log_likelihood",
    "customers_used",
    "customers_excluded",
]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of the table, in order and typed. Measures stay numpy floats (NaN is NULL
    to DuckDB, and to Spark through python_rows)."""
    frame = frame.reindex(columns=FIT_COLUMNS)
    for column in frame.columns:
        frame[column] = frame[column].astype(FIT_COLUMN_TYPES.get(column, "float64"))
    return frame


def fit_predicted_value(
    summaries: pd.DataFrame,
    settings: PredictionSettings,
    training: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every fit purpose, as the long table `int_clv_fit` stores (typed, fixed columns).
    `training` (int_clv_training_windows) adds the learned model; without it only BG/NBD and
    Gamma-Gamma are fitted."""

    def read_purpose(purpose):
        windows = None if training is None else training[training["fit_purpose"] == purpose]
        return summaries[summaries["fit_purpose"] == purpose], windows

    parameters, customers = fit_purposes(read_purpose, settings)
    customer_rows = pd.concat(customers, ignore_index=True)
    customer_rows["fit_row_id"] = (
        "customer|" + customer_rows["fit_purpose"] + "|" + customer_rows["customer_id"]
    )
    customer_rows["row_kind"] = "customer"
    return _typed(pd.concat([parameters, customer_rows], ignore_index=True, sort=False))


def fit_in_duckdb(session, summaries, training, settings: PredictionSettings):
    """`int_clv_fit` as a DuckDB relation, from the relations of int_clv_calibration_summaries
    and int_clv_training_windows. Each purpose's inputs are read when its fit runs, only the
    columns the fits use, ordered by customer id in DuckDB."""

    def read_purpose(purpose):
        where = f"fit_purpose = '{purpose}'"
        return tuple(
            relation.filter(where).project(", ".join(columns)).order("customer_id").df()
            for relation, columns in ((summaries, SUMMARY_COLUMNS), (training, TRAINING_COLUMNS))
        )

    parameters, customers = fit_purposes(read_purpose, settings)
    parameters = _typed(parameters)
    schema = parameters.dtypes.astype(str).to_dict()
    table = typed_relation(session, parameters, schema)
    customer_columns = {
        "fit_row_id": "'customer|' || fit_purpose || '|' || customer_id",
        "row_kind": "'customer'",
    }
    for frame in customers:
        table = table.union(typed_relation(session, frame, schema, customer_columns))
    return table
