"""The build's predicted-value fits (production, holdout evaluation, selection), once each:
BG/NBD with Gamma-Gamma, and the learned model. Inputs come from SQL
(int_clv_calibration_summaries, int_clv_training_windows); settings are the clv_* vars."""

from customer_segmentation.predicted_value.fit_table import fit_in_duckdb
from customer_segmentation.predicted_value.settings import PredictionSettings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PredictionSettings.from_meta(dbt.config.meta_get)
    return fit_in_duckdb(
        session,
        dbt.ref("int_clv_calibration_summaries"),
        dbt.ref("int_clv_training_windows"),
        settings,
    )
