"""The build's BG/NBD and Gamma-Gamma fits (production and holdout evaluation), once each.
Inputs come from SQL (int_clv_calibration_summaries); settings are the project's clv_* vars."""

from customer_segmentation.predicted_value.fit import PredictionSettings, fit_predicted_value


def model(dbt, session):
    dbt.config(materialized="table")
    settings = PredictionSettings(
        time_unit_days=float(dbt.config.meta_get("clv_time_unit_days")),
        horizon_days=float(dbt.config.meta_get("clv_horizon_days")),
        discount_rate=float(dbt.config.meta_get("clv_discount_rate")),
    )
    summaries = dbt.ref("int_clv_calibration_summaries").df()
    return fit_predicted_value(summaries, settings)
