"""The learned predicted-value model: a fit that is a function of its input alone, that ranks
customers by the rate it was trained on, that says when history is too short, and whose
predictions reach int_clv_fit beside BG/NBD's."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from customer_segmentation.predicted_value import learned
from customer_segmentation.predicted_value.fit import FIT_PURPOSES, PredictionSettings
from customer_segmentation.predicted_value.fit_table import (
    FIT_COLUMN_TYPES,
    fit_in_duckdb,
    fit_predicted_value,
)
from customer_segmentation.typed_relation import SQL_TYPES

WINDOW_UNITS = 13.0


def _customers(n: int, seed: int) -> pd.DataFrame:
    """Customers whose purchase rate per week rises with past repeats and falls with the weeks
    since their last purchase: what the model must learn (the true rate is kept)."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(5, 60, n)
    recency = age * rng.uniform(0, 1, n)
    frequency = rng.poisson(recency / 8)
    recency = np.where(frequency > 0, recency, 0.0)
    rate = 0.04 * (1 + frequency) * np.exp(-0.05 * (age - recency))
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "frequency": frequency,
            "recency_time_units": recency,
            "age_time_units": age,
            "avg_repeat_spend_amount": np.where(frequency > 0, rng.gamma(4, 10, n), 0.0),
            "true_rate": rate,
        }
    )


def _training(n: int, seed: int = 0, windows: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 100)
    parts = []
    for window in range(windows):
        customers = _customers(n, seed + window)
        purchases = rng.poisson(customers["true_rate"] * WINDOW_UNITS)
        parts.append(
            customers.assign(
                calibration_end_date=pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=4 * window),
                holdout_purchase_count=purchases,
                holdout_net_amount=purchases * 30.0,
                holdout_time_units=WINDOW_UNITS,
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_the_fit_learns_the_rate_and_depends_on_its_input_alone(monkeypatch):
    training = _training(3000)
    fit = learned.fit_learned(training)
    assert fit.fitted and fit.examples == 9000
    assert "9000 examples from 3 earlier windows" in fit.reason
    scoring = _customers(4000, seed=50)
    purchases, spend = learned.predict_learned(fit, scoring, np.full(4000, WINDOW_UNITS))
    rank = spearmanr(purchases, scoring["true_rate"]).statistic
    assert rank > 0.8, rank
    # Calibrated in total: what the window's customers would buy at their true rates.
    expected = (scoring["true_rate"] * WINDOW_UNITS).sum()
    assert purchases.sum() == pytest.approx(expected, rel=0.1)
    assert (spend >= 0).all()
    # Row order is not an input: the shuffled examples give the same predictions, bit for bit.
    shuffled = learned.fit_learned(training.sample(frac=1.0, random_state=1))
    again, _ = learned.predict_learned(shuffled, scoring, np.full(4000, WINDOW_UNITS))
    np.testing.assert_array_equal(purchases, again)
    # Nor is the thread count.
    monkeypatch.setattr(learned, "THREADS", 2)
    single, _ = learned.predict_learned(learned.fit_learned(training), scoring, np.full(4000, 13.0))
    np.testing.assert_array_equal(purchases, single)
    # A prediction is a rate times the horizon.
    doubled, _ = learned.predict_learned(fit, scoring, np.full(4000, 2 * WINDOW_UNITS))
    np.testing.assert_allclose(doubled, 2 * purchases)


def test_examples_are_weighted_by_exposure_only_where_it_varies(monkeypatch):
    """Equal windows need no weights (the weighted binning was most of the fit's time at a
    million customers); windows of different lengths weigh each rate by its exposure."""
    weights_seen = []
    fit = learned.HistGradientBoostingRegressor.fit

    def recording_fit(self, x, y, sample_weight=None):
        weights_seen.append(sample_weight)
        return fit(self, x, y, sample_weight=sample_weight)

    monkeypatch.setattr(learned.HistGradientBoostingRegressor, "fit", recording_fit)
    training = _training(600)
    learned.fit_learned(training)
    assert weights_seen == [None, None]
    weights_seen.clear()
    training.loc[training.index % 2 == 0, "holdout_time_units"] = 2 * WINDOW_UNITS
    learned.fit_learned(training)
    ordered = training.sort_values(["calibration_end_date", "customer_id"], kind="mergesort")
    for weights in weights_seen:
        np.testing.assert_array_equal(weights, ordered["holdout_time_units"].to_numpy(float))
    assert len(weights_seen) == 2


def test_too_short_a_history_is_said_not_fitted():
    fit = learned.fit_learned(_training(100, windows=2))
    assert fit.status == "insufficient_data" and not fit.fitted
    assert fit.reason.startswith("history too short for a learned model: 200 training examples")


def test_discounting_a_constant_rate_month_by_month():
    assert learned.discounted_share(365.0, 0.0) == pytest.approx(1.0)
    months = np.arange(1, 13) * 365.25 / 12
    edges = np.minimum(months, 365.0)
    shares = np.diff(np.concatenate([[0.0], edges])) / 365.0
    by_hand = float(np.sum(shares / 1.1 ** (edges / 365.25)))
    assert learned.discounted_share(365.0, 0.10) == pytest.approx(by_hand)
    assert 0.9 < by_hand < 0.96


def test_int_clv_fit_carries_the_learned_model_for_every_purpose():
    scoring = _customers(1500, seed=70).drop(columns="true_rate").assign(holdout_time_units=13.0)
    summaries = pd.concat([scoring.assign(fit_purpose=purpose) for purpose in FIT_PURPOSES])
    training = pd.concat([_training(1000).assign(fit_purpose=purpose) for purpose in FIT_PURPOSES])
    result = fit_predicted_value(summaries, PredictionSettings(), training)
    parameters = result[(result["row_kind"] == "parameters")]
    learned_rows = parameters[parameters["model_name"] == learned.MODEL_NAME]
    assert sorted(learned_rows["fit_purpose"]) == sorted(FIT_PURPOSES)
    assert set(learned_rows["fit_status"]) == {"fitted"}
    assert set(learned_rows["customers_used"]) == {3000}
    customers = result[result["row_kind"] == "customer"]
    assert customers["learned_expected_purchases"].notna().all()
    production = customers[customers["fit_purpose"] == "production"]
    assert production["learned_predicted_clv_amount"].notna().all()
    others = customers[customers["fit_purpose"] != "production"]
    assert others["learned_predicted_clv_amount"].isna().all()
    # Without training windows, BG/NBD and Gamma-Gamma alone, as before.
    without = fit_predicted_value(summaries, PredictionSettings())
    assert learned.MODEL_NAME not in set(without["model_name"].dropna())
    assert without["learned_expected_purchases"].isna().all()


def test_the_duckdb_assembly_is_the_same_table_as_pandas():
    """int_clv_fit as the dbt model builds it (inputs read from DuckDB per purpose, the table
    assembled by DuckDB) equals the pandas table the Spark path writes, types included. The
    inputs are shuffled and carry a column the fits do not read; the selection purpose has
    no customers, so its frames are empty."""
    scoring = _customers(1500, seed=70).drop(columns="true_rate").assign(holdout_time_units=13.0)
    purposes = [purpose for purpose in FIT_PURPOSES if purpose != "selection"]
    summaries = pd.concat([scoring.assign(fit_purpose=purpose) for purpose in purposes])
    training = pd.concat([_training(1000).assign(fit_purpose=purpose) for purpose in purposes])
    expected = fit_predicted_value(summaries, PredictionSettings(), training)

    session = duckdb.connect()
    for name, frame in (("summaries", summaries), ("training", training)):
        unread = frame.assign(unread_note="not an input").sample(frac=1.0, random_state=2)
        session.from_df(unread).create(name)
    relation = fit_in_duckdb(
        session, session.table("summaries"), session.table("training"), PredictionSettings()
    )
    assert relation.columns == list(expected.columns)
    assert dict(zip(relation.columns, map(str, relation.types), strict=True)) == {
        column: SQL_TYPES[FIT_COLUMN_TYPES.get(column, "float64")].upper()
        for column in expected.columns
    }
    built = relation.df().sort_values("fit_row_id", ignore_index=True)
    expected = expected.sort_values("fit_row_id", ignore_index=True)
    # Three models for each of the three purposes, the empty one saying why it has none.
    assert len(built) == len(expected) == 2 * 1500 + 3 * 3
    pd.testing.assert_frame_equal(
        built.astype(object).where(built.notna(), None),
        expected.astype(object).where(expected.notna(), None),
    )
