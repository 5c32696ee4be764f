"""Customer lifetime value with numpy/scipy: BG/NBD purchase counts and Gamma-Gamma spend.

BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science
24(2). Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", JMR 42(4); likelihood as in Hardie's note "The Gamma-Gamma Model of
Monetary Value" (2013). Both are checked against the papers' CDNOW estimates in
`src/tests/test_clv.py`.

Why scipy and not pymc-marketing or lifetimes: the likelihoods are a few lines, maximum
likelihood is all the warehouse needs, and a fit on a million customers then takes seconds and
little memory, with no PyMC/PyTensor stack to install (lifetimes is unmaintained).

Inputs follow the papers: `frequency` x = number of repeat purchases (days), `recency` t_x =
time of the last purchase since the first, `age` T = time from the first purchase to the end
of the calibration period, all in one time unit (weeks by default).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

FloatArray = NDArray[np.float64]

# Log-parameters are bounded so every likelihood term stays finite; a fit that ends on a bound
# is reported as not converged (the data cannot pin that parameter down).
_LOG_BOUND = 20.0
# Largest |gradient| of the mean log-likelihood (in log-parameters) accepted as converged.
_GRADIENT_TOLERANCE = 1e-4
# Smallest Hessian eigenvalue of the mean log-likelihood (per customer, log-parameters) taken
# as identified: below it a parameter's standard error would exceed ~1/sqrt(n * 1e-6).
_MIN_CURVATURE = 1e-6
MIN_CUSTOMERS = 30
MIN_REPEAT_CUSTOMERS = 10
DAYS_PER_YEAR = 365.25


# ----------------------------------------------------------------------------- summary


def summary_from_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str,
    as_of_date: str | pd.Timestamp,
    time_unit_days: float = 7.0,
    first_purchase_window_end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per customer (sorted by id): frequency, recency, age, monetary_value.

    A purchase is a calendar day with at least one transaction (amounts summed per day), as in
    the CDNOW data of both papers: the model counts purchase occasions, and several lines or
    orders on one day are one occasion. Transactions on or after `as_of_date` (00:00, UTC for
    tz-aware dates) are ignored, the warehouse's as-of convention.

    - frequency: repeat purchase days (purchase days - 1);
    - recency: days from the first to the last purchase day / `time_unit_days`;
    - age: days from the first purchase day to the last observed day (`as_of_date` - 1) /
      `time_unit_days`. Every time is a day number, so a purchase on the last observed day has
      recency = age. This is the papers' own convention (their CDNOW T is 38.86 weeks = 272
      days for a 1997-01-01 customer with calibration to 1997-09-30) and the one that
      reproduces their estimates; measuring to `as_of_date` would add 1/7 week to every T and
      move a from 0.793 to 0.814;
    - monetary_value: mean amount of the repeat purchase days (the first purchase is left out,
      as in the Gamma-Gamma paper, because it is not drawn from the repeat-spend process);
      0 when frequency is 0. Amounts are taken as net per day (returns netted by the caller).

    `first_purchase_window_end` keeps only customers whose first purchase day is before it (a
    cohort such as CDNOW's Q1-1997 first-time buyers).
    """
    if time_unit_days <= 0:
        raise ValueError(f"time_unit_days must be positive; got {time_unit_days}")
    frame = transactions[[customer_col, date_col, amount_col]]
    if frame.isna().any().any():
        raise ValueError(f"{customer_col}, {date_col} and {amount_col} must have no missing values")
    days = pd.to_datetime(frame[date_col])
    if days.dt.tz is not None:
        days = days.dt.tz_convert("UTC").dt.tz_localize(None)
    days = days.dt.normalize()
    as_of = pd.Timestamp(as_of_date).normalize()
    last_day = as_of - pd.Timedelta(days=1)
    daily = (
        pd.DataFrame(
            {customer_col: frame[customer_col], "_day": days, "_amount": frame[amount_col]}
        )
        .loc[lambda d: d["_day"] < as_of]
        .groupby([customer_col, "_day"], sort=True)["_amount"]
        .sum()
        .reset_index()
    )
    per = daily.groupby(customer_col, sort=True).agg(
        first=("_day", "min"),
        last=("_day", "max"),
        n_days=("_day", "size"),
        total=("_amount", "sum"),
        first_amount=("_amount", "first"),  # rows are sorted by day within a customer
    )
    if first_purchase_window_end is not None:
        per = per[per["first"] < pd.Timestamp(first_purchase_window_end).normalize()]
    frequency = per["n_days"].to_numpy(np.int64) - 1
    repeat_total = (per["total"] - per["first_amount"]).to_numpy(np.float64)
    return pd.DataFrame(
        {
            customer_col: per.index.to_numpy(),
            "frequency": frequency,
            "recency": (per["last"] - per["first"]).dt.days.to_numpy(np.float64) / time_unit_days,
            "age": (last_day - per["first"]).dt.days.to_numpy(np.float64) / time_unit_days,
            "monetary_value": np.divide(
                repeat_total,
                frequency,
                out=np.zeros(len(per)),
                where=frequency > 0,
            ),
        }
    )


def check_sufficiency(
    frequency: ArrayLike,
    *,
    min_customers: int = MIN_CUSTOMERS,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
) -> tuple[bool, str]:
    """(ok, reason): whether there are enough customers to fit BG/NBD and Gamma-Gamma.

    The fits never raise on small data; callers gate on this instead so a tiny shop gets a
    clear reason rather than parameters that mean nothing (repeat customers carry all the
    information about dropout and spend).
    """
    x = np.asarray(frequency)
    n, n_repeat = int(x.size), int(np.count_nonzero(x > 0))
    if n < min_customers:
        return False, f"{n} customers; at least {min_customers} are needed"
    if n_repeat < min_repeat_customers:
        return False, f"{n_repeat} repeat customers; at least {min_repeat_customers} are needed"
    return True, f"{n} customers, {n_repeat} with repeat purchases"


# ----------------------------------------------------------------------------- BG/NBD


@dataclass(frozen=True)
class BgNbdFit:
    """Maximum-likelihood BG/NBD parameters and how the optimiser ended.

    `converged` is True only if the optimiser reported success, the likelihood is finite, the
    largest gradient component is below tolerance, no parameter sits on its bound and the
    parameters are identified (positive-definite Hessian); `message` says which check failed.
    `iterations` counts L-BFGS-B iterations over all starts and the polish.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool
    iterations: int
    message: str
    max_abs_gradient: float = math.nan


@dataclass(frozen=True)
class _Optimum:
    x: FloatArray
    fun: float
    success: bool
    iterations: int
    message: str


@dataclass(frozen=True)
class _BgNbdData:
    """Customers aggregated to distinct (x, t_x, T) with counts, each factored to its distinct
    values, so the per-row work of one likelihood evaluation is a few vector operations."""

    weight: FloatArray
    x: FloatArray
    x_values: FloatArray
    x_index: NDArray[np.intp]
    age_values: FloatArray
    age_index: NDArray[np.intp]
    recency_values: FloatArray
    recency_index: NDArray[np.intp]


def _as_float_arrays(*values: ArrayLike) -> list[FloatArray]:
    arrays = [np.asarray(v, dtype=np.float64).ravel() for v in values]
    if len({a.size for a in arrays}) > 1:
        raise ValueError("inputs must have the same length")
    return arrays


def _validate_rfm(x: FloatArray, t_x: FloatArray, age: FloatArray) -> None:
    """Contract errors (not small data) raise: they mean the summary was built wrongly."""
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(age).all()):
        raise ValueError("frequency, recency and age must be finite")
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("frequency must be a non-negative integer")
    if (t_x < 0).any() or (t_x > age).any():
        raise ValueError("recency must be between 0 and age")
    if ((x == 0) & (t_x > 0)).any():
        raise ValueError("recency must be 0 when frequency is 0")


def _aggregate(x: FloatArray, t_x: FloatArray, age: FloatArray) -> _BgNbdData:
    counts = pd.DataFrame({"x": x, "t_x": t_x, "age": age}).value_counts(sort=False)
    keys = counts.index
    ux, ix = np.unique(keys.get_level_values("x").to_numpy(np.float64), return_inverse=True)
    ut, it = np.unique(keys.get_level_values("t_x").to_numpy(np.float64), return_inverse=True)
    ua, ia = np.unique(keys.get_level_values("age").to_numpy(np.float64), return_inverse=True)
    return _BgNbdData(
        weight=counts.to_numpy(np.float64),
        x=ux[ix],
        x_values=ux,
        x_index=ix,
        age_values=ua,
        age_index=ia,
        recency_values=ut,
        recency_index=it,
    )


def _bgnbd_objective(
    log_params: FloatArray, data: _BgNbdData, penalizer: float
) -> tuple[float, FloatArray]:
    """Mean negative log-likelihood (FHL 2005 eq. 6 in log form) and its gradient in
    log-parameters.

    log L = lnG(r+x) - lnG(r) + r ln(alpha) - lnB(a,b)
            + logaddexp(lnB(a, b+x) - (r+x) ln(alpha+T),
                        [x>0] (lnB(a+1, b+x-1) - (r+x) ln(alpha+t_x)))
    """
    r, alpha, a, b = theta = np.exp(log_params)
    xs, has_repeat = data.x_values, data.x_values > 0
    xm1 = np.maximum(xs - 1.0, 0.0)  # b+x-1 only matters where x > 0
    const_x = (
        special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha) - special.betaln(a, b)
    )
    beta1_x = special.betaln(a, b + xs)
    beta2_x = np.where(has_repeat, special.betaln(a + 1.0, b + xm1), -np.inf)
    log_age = np.log(alpha + data.age_values)
    log_rec = np.log(alpha + data.recency_values)

    ix, ia, it = data.x_index, data.age_index, data.recency_index
    rx = r + data.x
    term1 = beta1_x[ix] - rx * log_age[ia]
    term2 = beta2_x[ix] - rx * log_rec[it]
    lse = np.logaddexp(term1, term2)
    n = data.weight.sum()
    log_likelihood = data.weight @ (const_x[ix] + lse)

    w1, w2 = np.exp(term1 - lse), np.exp(term2 - lse)  # posterior weights of the two branches
    psi_abx = special.digamma(a + b + xs)
    grad_r = (special.digamma(r + xs) - special.digamma(r) + np.log(alpha))[ix] - (
        w1 * log_age[ia] + w2 * log_rec[it]
    )
    grad_alpha = r / alpha - rx * (
        w1 / (alpha + data.age_values)[ia] + w2 / (alpha + data.recency_values)[it]
    )
    base_a = special.digamma(a + b) - special.digamma(a)
    base_b = special.digamma(a + b) - special.digamma(b)
    grad_a = (
        base_a
        + w1 * (special.digamma(a) - psi_abx)[ix]
        + w2 * (special.digamma(a + 1.0) - psi_abx)[ix]
    )
    grad_b = (
        base_b
        + w1 * (special.digamma(b + xs) - psi_abx)[ix]
        + w2 * (special.digamma(b + xm1) - psi_abx)[ix]
    )
    grad_theta = np.array([data.weight @ g for g in (grad_r, grad_alpha, grad_a, grad_b)])
    value = -log_likelihood / n + penalizer * float(theta @ theta)
    gradient = -grad_theta * theta / n + 2.0 * penalizer * theta * theta
    return float(value), gradient


def _minimise(
    objective: Callable[..., tuple[float, FloatArray]],
    starts: list[FloatArray],
    args: tuple,
    maxiter: int,
) -> _Optimum:
    """L-BFGS-B from each deterministic start, then a tight L-BFGS-B polish of the best.

    Several starts guard against the flat ridges of these likelihoods; the polish tightens the
    tolerances so the optimum matches published estimates to their precision. Success is the
    best start's: a polish that stops on a failed line search has merely hit the floating-point
    floor (its gradient is checked separately), and it is kept only if it did not get worse.
    """
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(starts[0])

    def run(start: FloatArray, **tolerances: float) -> optimize.OptimizeResult:
        options = {"maxiter": maxiter, **tolerances}
        return optimize.minimize(
            objective, start, args=args, jac=True, method="L-BFGS-B", bounds=bounds, options=options
        )

    runs = [run(start) for start in starts]
    finite = [r for r in runs if np.isfinite(r.fun)] or runs
    best = min(finite, key=lambda r: r.fun)
    polish = run(best.x, ftol=1e-15, gtol=1e-10)
    iterations = int(sum(r.nit for r in runs) + polish.nit)
    final = polish if np.isfinite(polish.fun) and polish.fun <= best.fun else best
    return _Optimum(
        x=np.asarray(final.x, dtype=np.float64),
        fun=float(final.fun),
        success=bool(best.success),
        iterations=iterations,
        message=f"{best.message}; polish: {polish.message}",
    )


def _check_optimum(
    objective: Callable[..., tuple[float, FloatArray]], optimum: _Optimum, args: tuple
) -> tuple[bool, float, str]:
    """(converged, max |gradient|, message) of an optimum.

    Converged means: the optimiser reported success, the likelihood is finite, the gradient is
    below tolerance, no parameter is on its bound, and the Hessian (central differences of the
    analytic gradient) is positive definite. The last catches what the others miss on thin
    data: the likelihood drifting along a flat ridge towards infinity, where the gradient is
    tiny but the parameters are not identified (e.g. no repeat customers at all).
    """
    _, gradient = objective(optimum.x, *args)
    max_gradient = float(np.max(np.abs(gradient)))
    problems = []
    if not optimum.success:
        problems.append("optimiser did not report success")
    if not np.isfinite(optimum.fun):
        problems.append("log-likelihood is not finite")
    if not max_gradient < _GRADIENT_TOLERANCE:
        problems.append(f"gradient {max_gradient:.2g} above {_GRADIENT_TOLERANCE:g}")
    if np.any(np.abs(optimum.x) >= _LOG_BOUND - 1e-6):
        problems.append("a parameter is on its bound")
    if not problems:
        step = 1e-5
        columns = [
            objective(optimum.x + step * unit, *args)[1]
            - objective(optimum.x - step * unit, *args)[1]
            for unit in np.eye(optimum.x.size)
        ]
        hessian = np.array(columns) / (2.0 * step)
        smallest = float(np.linalg.eigvalsh((hessian + hessian.T) / 2.0).min())
        if not smallest > _MIN_CURVATURE:
            problems.append(f"parameters not identified (Hessian eigenvalue {smallest:.2g})")
    message = optimum.message + "".join(f"; NOT CONVERGED: {p}" for p in problems)
    return not problems, max_gradient, message


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
    *,
    penalizer: float = 0.0,
    maxiter: int = 1000,
) -> BgNbdFit:
    """Fit BG/NBD (r, alpha, a, b) by maximum likelihood.

    Identical (x, t_x, T) rows are aggregated with counts first, so the cost grows with the
    number of distinct triples (bounded by distinct purchase days), not customers. `penalizer`
    adds penalizer * (r^2 + alpha^2 + a^2 + b^2) to the mean negative log-likelihood (the
    lifetimes convention), which shrinks parameters when data are thin. Never raises on small
    data: use `check_sufficiency` before trusting a fit, and read `converged`.
    """
    x, t_x, t_age = _as_float_arrays(frequency, recency, age)
    _validate_rfm(x, t_x, t_age)
    if x.size == 0:
        nan = math.nan
        return BgNbdFit(nan, nan, nan, nan, nan, 0, False, 0, "no customers")
    data = _aggregate(x, t_x, t_age)
    # Starting rates: alpha scales with r / (purchase rate); spread over r, a, b.
    rate = max(float(x.mean() + 1.0) / max(float(t_age.mean()), 1e-9), 1e-9)
    starts = [
        np.log([r0, r0 / rate, a0, b0])
        for r0, a0, b0 in [(1.0, 1.0, 1.0), (0.25, 0.8, 2.5), (2.0, 2.0, 6.0), (0.5, 0.3, 0.6)]
    ]
    starts.insert(0, np.zeros(4))
    result = _minimise(_bgnbd_objective, starts, (data, penalizer), maxiter)
    ok, max_gradient, message = _check_optimum(_bgnbd_objective, result, (data, penalizer))
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    n = float(data.weight.sum())
    log_likelihood = -_bgnbd_objective(result.x, data, 0.0)[0] * n  # without the penalty
    return BgNbdFit(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        log_likelihood=log_likelihood,
        n_customers=int(n),
        converged=ok,
        iterations=result.iterations,
        message=message,
        max_abs_gradient=max_gradient,
    )


def _params(fit: BgNbdFit) -> tuple[float, float, float, float]:
    return fit.r, fit.alpha, fit.a, fit.b


def _log_odds_dead(fit: BgNbdFit, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
    """log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) for x > 0, -inf for x = 0."""
    r, alpha, a, b = _params(fit)
    repeat = x > 0
    log_odds = (
        np.log(a)
        - np.log(b + np.maximum(x - 1.0, 0.0))
        + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
    )
    return np.where(repeat, log_odds, -np.inf)


def probability_alive(
    fit: BgNbdFit, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> FloatArray:
    """P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).

    A customer with no repeat purchase is alive for sure: under BG/NBD dropout can only happen
    right after a purchase. Computed as expit of minus the log-odds so it cannot overflow.
    """
    x, t_x, t_age = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, age))
    )
    return special.expit(-_log_odds_dead(fit, x, t_x, t_age))


def expected_purchases(
    fit: BgNbdFit, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> FloatArray:
    """E[purchases in the next t time units | x, t_x, T] (FHL 2005 eq. 10).

        (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
        / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),   z = t/(alpha+T+t).

    The bracket is evaluated through Euler's transformation,
    (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z), whose first two
    arguments do not grow with x: the direct form overflows or loses all precision for frequent
    customers or long horizons, the transformed one stays near 1 and well conditioned.
    Undefined at a = 1 exactly (the paper's formula divides by a-1).
    """
    r, alpha, a, b = _params(fit)
    t_arr, x, t_x, t_age = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, age))
    )
    c = a + b + x - 1.0
    z = t_arr / (alpha + t_age + t_arr)
    tail = np.exp((a - 1.0) * np.log1p(-z)) * special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
    expected = c / (a - 1.0) * (1.0 - tail)
    return expected * special.expit(-_log_odds_dead(fit, x, t_x, t_age))


def expected_purchases_new_customer(fit: BgNbdFit, t: ArrayLike) -> FloatArray:
    """Unconditional E[X(t)] for a customer observed from their first purchase (FHL eq. 7):
    (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))], i.e. eq. 10 with
    x = t_x = T = 0. Summed over cohorts it gives the tracking curve used for calibration."""
    t_arr = np.asarray(t, dtype=np.float64)
    zero = np.zeros_like(t_arr)
    return expected_purchases(fit, t_arr, zero, zero, zero)


# ----------------------------------------------------------------------------- Gamma-Gamma


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

    Customers outside the fit (x = 0 or m <= 0) get the population mean pv/(q-1) (nan when
    q <= 1, where that mean does not exist).
    """
    x, m = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, monetary_value))
    )
    population = fit.p * fit.v / (fit.q - 1.0) if fit.q > 1.0 else math.nan
    in_fit = (x > 0) & (m > 0)
    conditional = fit.p * (fit.v + x * m) / (fit.p * x + fit.q - 1.0)
    return np.where(in_fit, conditional, population)


# ----------------------------------------------------------------------------- CLV


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
