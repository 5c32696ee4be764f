"""Customer lifetime value: BG/NBD purchase counts times Gamma-Gamma spend, discounted.

Both models are fitted with numpy/scipy (`bgnbd`, `gamma_gamma`); see `likelihood` for why not
pymc-marketing or lifetimes.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from customer_segmentation.predicted_value.bgnbd import BgNbdFit, expected_purchases
from customer_segmentation.predicted_value.gamma_gamma import (
    GammaGammaFit,
    conditional_expected_average_spend,
)
from customer_segmentation.predicted_value.likelihood import FloatArray

DAYS_PER_YEAR = 365.25


def predicted_clv(
    bgnbd: BgNbdFit,
    gamma_gamma: GammaGammaFit,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon_days: float = 365.0,
    annual_discount_rate: float = 0.10,
    time_unit_days: float = 7.0,
    step_days: float = DAYS_PER_YEAR / 12.0,
) -> FloatArray:
    """Expected discounted spend over the next `horizon_days`:

        CLV = E[spend | x, m] * sum_k (E[Y(s_k)] - E[Y(s_{k-1})]) / (1 + d)^(s_k / 365.25 days)

    with s_k = min(k * step_days, horizon_days) (monthly steps by default), E[Y(s)] the
    BG/NBD conditional expectation (converted to `time_unit_days` units), d the annual discount
    rate and purchases of a step discounted at its end. Spend and counts are independent by the
    Gamma-Gamma assumption, so their expectations multiply. frequency, recency and age must be
    in the fit's time unit.
    """
    if horizon_days < 0 or step_days <= 0 or time_unit_days <= 0:
        raise ValueError("horizon_days must be >= 0; step_days and time_unit_days > 0")
    x, t_x, t_age, m = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, age, monetary_value))
    )
    n_steps = math.ceil(horizon_days / step_days)
    edges = np.minimum(np.arange(n_steps + 1) * step_days, horizon_days)
    discounted = np.zeros(x.shape)
    previous = np.zeros(x.shape)
    for edge in edges[1:]:
        cumulative = expected_purchases(bgnbd, edge / time_unit_days, x, t_x, t_age)
        discounted += (cumulative - previous) / (1.0 + annual_discount_rate) ** (
            edge / DAYS_PER_YEAR
        )
        previous = cumulative
    return discounted * conditional_expected_average_spend(gamma_gamma, x, m)
