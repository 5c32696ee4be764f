"""The CLV pipeline's gates: insufficient data, a refit with a recorded penalty when the
unpenalised optimum is not identified, and no published predictions from a failed fit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.predicted_value import bgnbd
from customer_segmentation.predicted_value import fit as predicted_value
from customer_segmentation.predicted_value.clv_data import simulate_customers
from customer_segmentation.predicted_value.fit import FIT_PURPOSES, PredictionSettings
from customer_segmentation.predicted_value.fit_table import fit_predicted_value

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}


def _summaries(n: int) -> pd.DataFrame:
    customers = simulate_customers(n, seed=3, **PUBLISHED)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "frequency": customers.frequency,
            "recency_time_units": customers.recency,
            "age_time_units": customers.age,
            "avg_repeat_spend_amount": customers.monetary_value,
            "holdout_time_units": 39.0,
        }
    )
    return pd.concat([frame.assign(fit_purpose=purpose) for purpose in FIT_PURPOSES])


def _parameters(result: pd.DataFrame) -> pd.DataFrame:
    return result[result["row_kind"] == "parameters"].set_index("fit_row_id")


def test_a_sound_fit_publishes_predictions_for_everyone():
    result = fit_predicted_value(_summaries(2000), PredictionSettings())
    parameters = _parameters(result)
    assert set(parameters["fit_status"]) == {"fitted"}
    production = result[
        (result["row_kind"] == "customer") & (result["fit_purpose"] == "production")
    ]
    assert len(production) == 2000
    assert production["expected_purchases"].notna().all()
    assert production["predicted_clv_amount"].notna().all()
    assert (production["probability_alive"].between(0, 1)).all()
    assert result["fit_row_id"].is_unique


def test_too_few_customers_is_recorded_not_fitted():
    result = fit_predicted_value(_summaries(12), PredictionSettings())
    assert set(_parameters(result)["fit_status"]) == {"insufficient_data"}
    customers = result[result["row_kind"] == "customer"]
    assert customers["expected_purchases"].isna().all()


def test_unidentified_optimum_is_refitted_with_a_recorded_penalty(monkeypatch):
    real_fit = bgnbd.fit_bgnbd

    def fit_that_needs_a_penalty(*args, penalizer=0.0, **kwargs):
        fit = real_fit(*args, penalizer=penalizer, **kwargs)
        return fit if penalizer > 0 else replace(fit, converged=False, message="not identified")

    monkeypatch.setattr(predicted_value.bgnbd_model, "fit_bgnbd", fit_that_needs_a_penalty)
    result = fit_predicted_value(_summaries(2000), PredictionSettings())
    row = _parameters(result).loc["parameters|production|bg_nbd"]
    assert row["fit_status"] == "fitted"
    assert row["penalizer"] == pytest.approx(1e-4)
    assert "not identified" in row["status_reason"]


def test_a_fit_that_never_converges_is_flagged_and_unpublished(monkeypatch):
    real_fit = bgnbd.fit_bgnbd

    def never_converges(*args, **kwargs):
        return replace(real_fit(*args, **kwargs), converged=False, message="stuck")

    monkeypatch.setattr(predicted_value.bgnbd_model, "fit_bgnbd", never_converges)
    result = fit_predicted_value(_summaries(500), PredictionSettings())
    assert _parameters(result).loc["parameters|production|bg_nbd", "fit_status"] == "not_converged"
    customers = result[result["row_kind"] == "customer"]
    assert customers["expected_purchases"].isna().all()
    assert np.all(customers["predicted_clv_amount"].isna())


def test_bgnbd_is_fitted_on_one_customer_in_n_and_predicts_everyone():
    summaries = _summaries(2000)
    # Shuffled: the sample is taken in id order whatever order the rows arrive in.
    summaries = summaries.sample(frac=1.0, random_state=1)
    result = fit_predicted_value(summaries, PredictionSettings(fit_customers=500))
    row = _parameters(result).loc["parameters|production|bg_nbd"]
    assert row["fit_status"] == "fitted"
    assert (row["customers_used"], row["customers_excluded"]) == (500, 1500)
    assert row["status_reason"].startswith("fitted on one customer in 4 in id order, 500 of 2000")
    production = summaries[summaries["fit_purpose"] == "production"].sort_values("customer_id")
    sample = production.iloc[::4]
    alone = bgnbd.fit_bgnbd(
        sample["frequency"], sample["recency_time_units"], sample["age_time_units"]
    )
    assert (row["r"], row["alpha"], row["a"], row["b"]) == pytest.approx(
        (alone.r, alone.alpha, alone.a, alone.b), rel=1e-9
    )
    customers = result[(result["row_kind"] == "customer") & (result["fit_purpose"] == "production")]
    assert len(customers) == 2000 and customers["expected_purchases"].notna().all()
    # Up to the limit every customer is fitted on.
    whole = _parameters(fit_predicted_value(_summaries(2000), PredictionSettings()))
    assert whole.loc["parameters|production|bg_nbd", "customers_used"] == 2000
    assert whole.loc["parameters|production|bg_nbd", "customers_excluded"] == 0


@pytest.mark.parametrize("limit", [0, -5, 2.5])
def test_fit_customers_must_be_a_whole_number_above_zero(limit):
    with pytest.raises(ValueError, match="clv_fit_customers must be a whole number above 0"):
        PredictionSettings(fit_customers=limit)


def test_settings_from_text_vars_name_a_bad_one():
    values = {
        "clv_time_unit_days": "7",
        "clv_horizon_days": "365",
        "clv_discount_rate": "0.1",
        "clv_fit_customers": "100000",
    }
    settings = PredictionSettings.from_meta(values.get)
    assert settings == PredictionSettings(7.0, 365.0, 0.1, 100_000)
    with pytest.raises(ValueError, match="The var clv_fit_customers must be a number; got 'lots'"):
        PredictionSettings.from_meta({**values, "clv_fit_customers": "lots"}.get)
