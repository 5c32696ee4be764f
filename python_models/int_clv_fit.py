"""The build's predicted-value fits (production, holdout evaluation, selection), once each:
BG/NBD with Gamma-Gamma, and the learned model. Inputs come from SQL
(int_clv_calibration_summaries, int_clv_training_windows); settings are the clv_* vars."""

from customer_segmentation.import_lock import IMPORT_LOCK

with IMPORT_LOCK:  # the other fit may be importing scikit-learn on the next thread
    from customer_segmentation.predicted_value.fit_table import fit_in_duckdb
    from customer_segmentation.predicted_value.settings import PredictionSettings


def model(dbt, session):
    dbt.config(materialized="table")
    # Each meta_get names its key literally: dbt finds the keys a Python model reads by parsing it.
    meta = {
        "clv_time_unit_days": dbt.config.meta_get("clv_time_unit_days"),
        "clv_horizon_days": dbt.config.meta_get("clv_horizon_days"),
        "clv_discount_rate": dbt.config.meta_get("clv_discount_rate"),
        "clv_fit_customers": dbt.config.meta_get("clv_fit_customers"),
    }
    settings = PredictionSettings.from_meta(meta.get)
    return fit_in_duckdb(
        session,
        dbt.ref("int_clv_calibration_summaries"),
        dbt.ref("int_clv_training_windows"),
        settings,
    )
