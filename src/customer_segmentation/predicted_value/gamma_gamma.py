"""Gamma-Gamma spend: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", JMR 42(4); likelihood as in Hardie's note "The Gamma-Gamma Model of
Monetary Value" (2013); checked against the CDNOW estimates in `src/tests/test_clv.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from customer_segmentation.predicted_value.likelihood import (
    FloatArray,
    _as_float_arrays,
    _check_optimum,
    _minimise,
)


@dataclass(frozen=True)
class GammaGammaFit:
    """Gamma-Gamma spend parameters p, q, v (gamma in the paper) fitted on repeat customers.

    `n_customers` were used; `n_excluded` had no repeat purchase or non-positive mean spend.
    `converged`, `iterations` and `message` mean what they do in `BgNbdFit`.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int
    n_excluded: int
    converged: bool
    iterations: int
    message: str
    max_abs_gradient: float = math.nan


@dataclass(frozen=True)
class _GammaGammaData:
    """Repeat customers' x and x*m, with everything that does not depend on (p, q, v) summed
    once: only log(v + x m) is left per row in each likelihood evaluation."""

    x: FloatArray
    xm: FloatArray
    x_values: FloatArray
    x_counts: FloatArray
    sum_x_log_xm: float
    sum_log_m: float

    @classmethod
    def build(cls, x: FloatArray, m: FloatArray) -> _GammaGammaData:
        x_values, x_counts = np.unique(x, return_counts=True)
        xm = x * m
        return cls(
            x=x,
            xm=xm,
            x_values=x_values,
            x_counts=x_counts.astype(np.float64),
            sum_x_log_xm=float(x @ np.log(xm)),
            sum_log_m=float(np.log(m).sum()),
        )


def _gamma_gamma_objective(
    log_params: FloatArray, data: _GammaGammaData
) -> tuple[float, FloatArray]:
    """Mean negative log-likelihood of the mean spend m over x transactions, and its gradient
    in log-parameters (Hardie's Gamma-Gamma note, eq. 4 rearranged):

    log f = lnG(px+q) - lnG(px) - lnG(q) + q ln v + px ln(xm) - ln m - (px+q) ln(v+xm).
    """
    p, q, v = theta = np.exp(log_params)
    xs, counts = data.x_values, data.x_counts
    n = counts.sum()
    log_vxm = np.log(v + data.xm)
    inv_vxm = 1.0 / (v + data.xm)
    x_log, sum_log = float(data.x @ log_vxm), float(log_vxm.sum())
    pxq = p * xs + q
    ll = (
        counts @ (special.gammaln(pxq) - special.gammaln(p * xs))
        - n * (special.gammaln(q) - q * np.log(v))
        + p * data.sum_x_log_xm
        - data.sum_log_m
        - (p * x_log + q * sum_log)
    )
    psi_pxq = special.digamma(pxq)
    grad = np.array(
        [
            counts @ (xs * (psi_pxq - special.digamma(p * xs))) + data.sum_x_log_xm - x_log,
            counts @ psi_pxq - n * (special.digamma(q) - np.log(v)) - sum_log,
            n * q / v - (p * float(data.x @ inv_vxm) + q * float(inv_vxm.sum())),
        ]
    )
    return float(-ll / n), -grad * theta / n


def fit_gamma_gamma(
    frequency: ArrayLike, monetary_value: ArrayLike, *, maxiter: int = 1000
) -> GammaGammaFit:
    """Fit Gamma-Gamma (p, q, v) on customers with frequency > 0 and monetary_value > 0.

    The model describes the mean of repeat spends, so customers without a repeat purchase carry
    no information and those with non-positive net spend fall outside its support; the fit
    reports how many it used and excluded. Never raises on small data.
    """
    x_all, m_all = _as_float_arrays(frequency, monetary_value)
    keep = (x_all > 0) & (m_all > 0) & np.isfinite(m_all)
    x, m = x_all[keep], m_all[keep]
    n, excluded = int(x.size), int(x_all.size - x.size)
    if n == 0:
        nan = math.nan
        return GammaGammaFit(nan, nan, nan, nan, 0, excluded, False, 0, "no repeat customers")
    data = _GammaGammaData.build(x, m)
    mean_spend = float(m.mean())
    starts = [
        np.log([p0, q0, mean_spend * (q0 - 1.0) / p0])
        for p0, q0 in [(1.0, 2.0), (5.0, 4.0), (10.0, 10.0), (2.0, 1.5)]
    ]
    starts.insert(0, np.zeros(3))
    result = _minimise(_gamma_gamma_objective, starts, (data,), maxiter)
    ok, max_gradient, message = _check_optimum(_gamma_gamma_objective, result, (data,))
    p, q, v = (float(val) for val in np.exp(result.x))
    return GammaGammaFit(
        p=p,
        q=q,
        v=v,
        log_likelihood=-float(result.fun) * n,
        n_customers=n,
        n_excluded=excluded,
        converged=ok,
        iterations=result.iterations,
        message=message,
        max_abs_gradient=max_gradient,
    )


def conditional_expected_average_spend(
    fit: GammaGammaFit, frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """E[spend per transaction | x, m] = p (v + x m) / (p x + q - 1)
    = (q-1)/(px+q-1) * pv/(q-1) + px/(px+q-1) * m: a weighted average of the population mean
    and the customer's own mean, trusting the customer more the more they bought.

    Customers without repeat purchases (x = 0) get the population mean pv/(q-1) (nan when
    q <= 1, where that mean does not exist). Repeat customers whose own mean is zero or less
    (free items, returns above purchases) are left out of the fit but not given the population
    mean, which put them above paying customers: their m counts as 0, the formula's limit from
    above, so they get the least of anyone with as many purchases.
    """
    x, m = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, monetary_value))
    )
    population = fit.p * fit.v / (fit.q - 1.0) if fit.q > 1.0 else math.nan
    has_repeats = (x > 0) & ~np.isnan(m)
    conditional = fit.p * (fit.v + x * np.maximum(m, 0.0)) / (fit.p * x + fit.q - 1.0)
    return np.where(has_repeats, conditional, population)
