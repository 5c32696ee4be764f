"""The learned candidate beside BG/NBD: gradient boosting on the customer's own history.

Trained on `int_clv_training_windows`: the same inputs BG/NBD gets (frequency, recency, age,
average repeat spend), computed as of earlier cut-offs, with what the customer did in the
window after each cut-off as the label. Two Poisson models learn the purchase-day rate and the
spend rate per time unit; a prediction is the rate times the horizon. The settings are
scikit-learn's defaults, chosen on no data set: the model earns production only by beating
BG/NBD on the selection window (`int_clv_model_selection`), never by tuning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from customer_segmentation.predicted_value.clv import DAYS_PER_YEAR

MODEL_NAME = "gradient_boosting"
MIN_EXAMPLES = 500
MIN_BUYING_EXAMPLES = 50
# scikit-learn's defaults (learning rate 0.1, 100 trees of up to 31 leaves), with the Poisson
# loss for counts and rates. Early stopping would hold out a random tenth: off, so the fit is a
# function of its input alone.
SETTINGS = {"loss": "poisson", "early_stopping": False, "random_state": 0}
# OpenMP threads. Fitting (tens of thousands of examples at most) and scoring small sets use
# one, like BLAS in fit.py: beside another busy process (a parallel test worker, Spark) the
# spin-waiting of a second thread made a 2,000-customer fit four times slower (9-11 s against
# 2.2 s). Scoring PARALLEL_ROWS customers or more uses two, where each parallel stretch is long:
# scoring a million customers for three fits took 13 s instead of 21 s. The predictions are the
# same whatever the thread count.
THREADS = 1
PARALLEL_ROWS = 200_000


@dataclass(frozen=True)
class LearnedFit:
    purchase_model: HistGradientBoostingRegressor | None
    spend_model: HistGradientBoostingRegressor | None
    examples: int
    buying_examples: int
    status: str
    reason: str

    @property
    def fitted(self) -> bool:
        return self.status == "fitted"


def features(frame: pd.DataFrame) -> np.ndarray:
    """Frequency, recency, age, time since the last purchase day, average repeat spend."""
    recency = frame["recency_time_units"].to_numpy(float)
    age = frame["age_time_units"].to_numpy(float)
    return np.column_stack(
        [
            frame["frequency"].to_numpy(float),
            recency,
            age,
            age - recency,
            frame["avg_repeat_spend_amount"].to_numpy(float),
        ]
    )


def fit_learned(training: pd.DataFrame) -> LearnedFit:
    """Both rate models on one fit purpose's training windows, or why not."""
    training = training.sort_values(["calibration_end_date", "customer_id"], kind="mergesort")
    exposure = training["holdout_time_units"].to_numpy(float)
    purchases = training["holdout_purchase_count"].to_numpy(float)
    examples, buying = len(training), int((purchases > 0).sum())
    if examples < MIN_EXAMPLES or buying < MIN_BUYING_EXAMPLES:
        reason = (
            f"history too short for a learned model: {examples} training examples, {buying} "
            f"with a purchase in their window (needs {MIN_EXAMPLES} and {MIN_BUYING_EXAMPLES})"
        )
        return LearnedFit(None, None, examples, buying, "insufficient_data", reason)
    x = features(training)
    # Returns beyond purchases in a window count as no spend: a Poisson rate cannot be negative.
    spend = np.clip(training["holdout_net_amount"].to_numpy(float), 0.0, None)
    # Rates are weighted by exposure. Every window's label period has the same length, so the
    # weights are equal and leaving them out fits the same trees, up to where the bin edges fall
    # (the weighted quantiles): the binning was 3 of the 4.8 s the six fits took at a million.
    weights = exposure if np.ptp(exposure) > 0 else None
    models = []
    with threadpool_limits(limits=THREADS, user_api="openmp"):
        for label in (purchases, spend):
            model = HistGradientBoostingRegressor(**SETTINGS)
            model.fit(x, label / exposure, sample_weight=weights)
            models.append(model)
    reason = (
        f"fitted on {examples} examples from {training['calibration_end_date'].nunique()} "
        f"earlier windows ({buying} with a purchase)"
    )
    return LearnedFit(models[0], models[1], examples, buying, "fitted", reason)


def predict_learned(
    fit: LearnedFit, frame: pd.DataFrame, horizon_units: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Expected purchase days and spend over each customer's horizon (in time units)."""
    x = features(frame)
    threads = max(THREADS, 2) if len(x) >= PARALLEL_ROWS else THREADS
    with threadpool_limits(limits=threads, user_api="openmp"):
        purchases = fit.purchase_model.predict(x) * horizon_units
        spend = fit.spend_model.predict(x) * horizon_units
    return purchases, spend


def discounted_share(
    horizon_days: float,
    annual_discount_rate: float,
    step_days: float = DAYS_PER_YEAR / 12.0,
) -> float:
    """The present value of spend arriving at a constant rate over the horizon, as a share of
    its undiscounted total: each month's share discounted at the month's end, as
    `clv.predicted_clv` does for BG/NBD."""
    if horizon_days <= 0:
        return 1.0
    n_steps = math.ceil(horizon_days / step_days)
    edges = np.minimum(np.arange(n_steps + 1) * step_days, horizon_days)
    shares = np.diff(edges) / horizon_days
    return float(np.sum(shares / (1.0 + annual_discount_rate) ** (edges[1:] / DAYS_PER_YEAR)))
