"""From the warehouse's CLV inputs to predictions, for the dbt Python model `int_clv_fit`.

The inputs (repeat purchase days, recency, age, average repeat spend) are computed in SQL
(`int_clv_calibration_summaries`); this module fits BG/NBD and Gamma-Gamma, and the learned
model (`learned`, on `int_clv_training_windows`), once per fit purpose, and returns the
parameter rows and every customer's predictions, which `fit_table` assembles into the long
table `int_clv_fit`. Which model is published is decided in SQL (`int_clv_model_selection`). A fit
that lacks data or does not converge is recorded with its status and leaves the customers'
predictions null, so nothing unreliable is published as if it were sound.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

# fit_bgnbd through its module, so a test can replace it (the penalised refits).
from customer_segmentation.predicted_value import bgnbd as bgnbd_model
from customer_segmentation.predicted_value import learned
from customer_segmentation.predicted_value.bgnbd import (
    BgNbdFit,
    expected_purchases,
    probability_alive,
)
from customer_segmentation.predicted_value.clv import predicted_clv
from customer_segmentation.predicted_value.gamma_gamma import (
    conditional_expected_average_spend,
    fit_gamma_gamma,
)
from customer_segmentation.predicted_value.intervals import purchase_quantiles
from customer_segmentation.predicted_value.settings import PredictionSettings, fit_sample
from customer_segmentation.predicted_value.summary import check_sufficiency

# When the unpenalised BG/NBD optimum is not identified (e.g. a and b run off to infinity
# together, i.e. no heterogeneity in dropout), refit with these small L2 penalties in turn,
# as lifetimes' penalizer_coef does; the penalty used is recorded beside the parameters.
FALLBACK_PENALIZERS = (1e-4, 1e-3)

# The fits of a build: production, the evaluation's holdout, and the window that chooses
# between the models (int_clv_model_selection).
FIT_PURPOSES = ("production", "holdout_evaluation", "selection")
# Where the 80% predictive interval of purchases is computed: what is published, and the
# holdout that tests its coverage (clv_model_evaluation); the selection does not read it.
INTERVAL_PURPOSES = ("production", "holdout_evaluation")
# What the fits read of int_clv_calibration_summaries and int_clv_training_windows. The DuckDB
# reader selects only these, ordered by customer id: at a million customers the other columns
# (ids, dates, amounts) doubled the frames' memory, and DuckDB sorts the ids faster than pandas.
# The fits sort again by customer id, so any input order gives the same fit.
SUMMARY_COLUMNS = (
    "fit_purpose",
    "customer_id",
    "frequency",
    "recency_time_units",
    "age_time_units",
    "avg_repeat_spend_amount",
    "holdout_time_units",
)
TRAINING_COLUMNS = (
    *SUMMARY_COLUMNS,
    "calibration_end_date",
    "holdout_purchase_count",
    "holdout_net_amount",
)
LEARNED_COLUMNS = [
    "learned_expected_purchases",
    "learned_expected_spend_amount",
    "learned_predicted_clv_amount",
]


def fit_purchase_model(frequency, recency, age) -> tuple[BgNbdFit, float, str]:
    """BG/NBD, unpenalised first; returns (fit, penalizer used, status reason)."""
    fit = bgnbd_model.fit_bgnbd(frequency, recency, age)
    if fit.converged:
        return fit, 0.0, fit.message
    first_message = fit.message
    for penalizer in FALLBACK_PENALIZERS:
        retry = bgnbd_model.fit_bgnbd(frequency, recency, age, penalizer=penalizer)
        if retry.converged:
            reason = (
                f"unpenalised fit failed ({first_message}); refitted with penalizer {penalizer}"
            )
            return retry, penalizer, reason
    return fit, 0.0, first_message


def _parameter_row(purpose: str, model: str, status: str, reason: str, **values) -> dict:
    return {
        "fit_row_id": f"parameters|{purpose}|{model}",
        "row_kind": "parameters",
        "fit_purpose": purpose,
        "model_name": model,
        "fit_status": status,
        "status_reason": reason,
        **values,
    }


def predict_purpose(
    summary: pd.DataFrame,
    purpose: str,
    settings: PredictionSettings,
    training: pd.DataFrame | None = None,
):
    """Fit every model on one purpose's inputs (and the learned model on its training
    windows); return (parameter rows, customer frame)."""
    summary = summary.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    rows, customers = _bgnbd_purpose(summary, purpose, settings)
    if training is not None:
        rows.append(_learned_purpose(summary, purpose, settings, training, customers))
    return rows, customers


def _horizon_units(summary: pd.DataFrame, purpose: str, settings: PredictionSettings):
    """What each customer's prediction covers: the holdout, or production's horizon."""
    if purpose == "production":
        return np.full(len(summary), settings.horizon_days / settings.time_unit_days)
    return summary["holdout_time_units"].to_numpy(float)


def _learned_purpose(summary, purpose, settings, training, customers) -> dict:
    """The learned model's parameter row; its predictions go into `customers`."""
    fit = learned.fit_learned(training)
    row = _parameter_row(
        purpose,
        learned.MODEL_NAME,
        fit.status,
        fit.reason,
        customers_used=fit.examples,
        customers_excluded=0,
    )
    if not fit.fitted or summary.empty:
        return row
    horizon_units = _horizon_units(summary, purpose, settings)
    purchases, spend = learned.predict_learned(fit, summary, horizon_units)
    customers["learned_expected_purchases"] = purchases
    customers["learned_expected_spend_amount"] = spend
    if purpose == "production":
        share = learned.discounted_share(settings.horizon_days, settings.discount_rate)
        customers["learned_predicted_clv_amount"] = spend * share
    return row


def _bgnbd_purpose(summary: pd.DataFrame, purpose: str, settings: PredictionSettings):
    """BG/NBD and Gamma-Gamma on one purpose's inputs: (parameter rows, customer frame)."""
    frequency = summary["frequency"].to_numpy(float)
    recency = summary["recency_time_units"].to_numpy(float)
    age = summary["age_time_units"].to_numpy(float)
    spend = summary["avg_repeat_spend_amount"].to_numpy(float)
    customers = pd.DataFrame(
        {"fit_purpose": purpose, "customer_id": summary["customer_id"].astype(str)}
    )
    for column in (
        "expected_purchases",
        "purchases_p10",
        "purchases_p90",
        "probability_alive",
        "expected_average_spend_amount",
    ):
        customers[column] = np.nan
    customers["predicted_clv_amount"] = np.nan
    for column in LEARNED_COLUMNS:
        customers[column] = np.nan
    in_spend_model = (frequency > 0) & (spend > 0)
    customers["is_in_spend_model"] = in_spend_model

    sufficient, reason = check_sufficiency(frequency)
    if not sufficient:
        rows = [
            _parameter_row(purpose, model, "insufficient_data", reason, customers_used=0)
            for model in ("bg_nbd", "gamma_gamma")
        ]
        return rows, customers

    fitted = fit_sample(len(summary), settings.fit_customers)
    bgnbd, penalizer, bg_reason = fit_purchase_model(
        frequency[fitted], recency[fitted], age[fitted]
    )
    if fitted.step > 1:
        bg_reason = (
            f"fitted on one customer in {fitted.step} in id order, {bgnbd.n_customers} of "
            f"{len(summary)} (clv_fit_customers {settings.fit_customers}); {bg_reason}"
        )
    bg_status = "fitted" if bgnbd.converged else "not_converged"
    rows = [
        _parameter_row(
            purpose,
            "bg_nbd",
            bg_status,
            bg_reason,
            penalizer=penalizer,
            r=bgnbd.r,
            alpha=bgnbd.alpha,
            a=bgnbd.a,
            b=bgnbd.b,
            log_likelihood=bgnbd.log_likelihood,
            customers_used=bgnbd.n_customers,
            customers_excluded=len(summary) - bgnbd.n_customers,
        )
    ]
    spend_fit = None
    if in_spend_model.sum() >= 2:
        spend_fit = fit_gamma_gamma(frequency[in_spend_model], spend[in_spend_model])
        rows.append(
            _parameter_row(
                purpose,
                "gamma_gamma",
                "fitted" if spend_fit.converged else "not_converged",
                spend_fit.message,
                p=spend_fit.p,
                q=spend_fit.q,
                gamma=spend_fit.v,
                penalizer=0.0,
                log_likelihood=spend_fit.log_likelihood,
                customers_used=int(in_spend_model.sum()),
                customers_excluded=int((~in_spend_model).sum()),
            )
        )
    else:
        rows.append(
            _parameter_row(
                purpose,
                "gamma_gamma",
                "insufficient_data",
                "fewer than two repeat customers with positive average spend",
                customers_used=int(in_spend_model.sum()),
                customers_excluded=int((~in_spend_model).sum()),
            )
        )
    if not bgnbd.converged:
        return rows, customers

    horizon_units = _horizon_units(summary, purpose, settings)
    customers["expected_purchases"] = expected_purchases(
        bgnbd, horizon_units, frequency, recency, age
    )
    if purpose in INTERVAL_PURPOSES:
        low, high = purchase_quantiles(bgnbd, horizon_units, frequency, recency, age)
        customers["purchases_p10"], customers["purchases_p90"] = low, high
    customers["probability_alive"] = probability_alive(bgnbd, frequency, recency, age)
    if spend_fit is not None and spend_fit.converged:
        average_spend = conditional_expected_average_spend(spend_fit, frequency, spend)
        customers["expected_average_spend_amount"] = average_spend
        if purpose == "production":
            customers["predicted_clv_amount"] = predicted_clv(
                bgnbd,
                spend_fit,
                frequency,
                recency,
                age,
                spend,
                horizon_days=settings.horizon_days,
                annual_discount_rate=settings.discount_rate,
                time_unit_days=settings.time_unit_days,
            )
    return rows, customers


def fit_purposes(read_purpose, settings: PredictionSettings):
    """Every fit purpose in turn: `read_purpose(purpose)` gives its summaries and training
    windows (None for BG/NBD and Gamma-Gamma alone), read only when that fit runs, so a
    purpose's inputs are freed before the next is read. Returns (parameter rows, one frame of
    customer predictions per purpose); `fit_table` assembles them into `int_clv_fit`.

    BLAS is held to one thread: the likelihoods are many small vector products, and OpenBLAS's
    spin-waiting threads made the fit three times slower beside DuckDB (68 s instead of 20 s
    at 100,000 customers)."""
    rows, customers = [], []
    with threadpool_limits(limits=1):
        for purpose in FIT_PURPOSES:
            summary, windows = read_purpose(purpose)
            purpose_rows, purpose_customers = predict_purpose(summary, purpose, settings, windows)
            rows.extend(purpose_rows)
            customers.append(purpose_customers)
    return pd.DataFrame(rows), customers
