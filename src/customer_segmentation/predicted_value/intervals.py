"""BG/NBD's predictive distribution of a customer's purchase count over a horizon, and the
interval the warehouse publishes from it (`purchases_p10`, `purchases_p90`).

The model is the one `bgnbd` fits (Fader, Hardie & Lee 2005); nothing here is estimated.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from customer_segmentation.predicted_value.bgnbd import BgNbdFit, probability_alive
from customer_segmentation.predicted_value.likelihood import FloatArray


def _posterior_terms(fit: BgNbdFit, t, frequency, recency, age):
    """What P(X >= n) needs that does not depend on n: P(alive), z = t/(alpha+T+t), r+x and
    b+x, flattened."""
    t_arr, x, t_x, t_age = (
        np.ravel(v)
        for v in np.broadcast_arrays(
            *(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, age))
        )
    )
    alive = probability_alive(fit, x, t_x, t_age)
    z = t_arr / (fit.alpha + t_age + t_arr)
    return alive, z, fit.r + x, fit.b + x


def purchase_count_survival(
    fit: BgNbdFit,
    n: int,
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
) -> FloatArray:
    """P(at least n purchases in the next t time units | x, t_x, T), for n >= 1 (flattened).

    Given alive, the rate and the dropout probability have independent posteriors, Gamma(r+x,
    alpha+T) and Beta(a, b+x). The next purchases come at the rate until the one after which
    the customer drops, so the count is min(K, G), K negative binomial over t and G geometric:
        P(X >= n) = P(alive) I_z(n, r+x) B(a, b+x+n-1) / B(a, b+x),   z = t/(alpha+T+t).
    Its sum over n is `expected_purchases` (a test checks it)."""
    alive, z, shape, b_x = _posterior_terms(fit, t, frequency, recency, age)
    return (
        alive
        * special.betainc(float(n), shape, z)
        * np.exp(special.betaln(fit.a, b_x + n - 1.0) - special.betaln(fit.a, b_x))
    )


def purchase_quantiles(
    fit: BgNbdFit,
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
    probabilities: tuple[float, ...] = (0.1, 0.9),
) -> list[NDArray[np.int64]]:
    """For each probability q, the smallest n with P(purchases in the next t <= n | x, t_x, T)
    >= q: the customer's predictive interval, from BG/NBD's own distribution
    (`purchase_count_survival`), flattened.

    Each customer walks up n from 0 until every quantile is reached. The walk carries the two
    factors of P(X >= n + 1) from one n to the next by their recurrences, the negative
    binomial's P(K = n) = P(K = n-1) z (r+x+n-1) / n and B(a, b+x+n) = B(a, b+x+n-1)
    (b+x+n-1) / (a+b+x+n-1): a million customers take a second instead of four with the
    incomplete beta at every step. A test checks the quantiles against the direct form."""
    alive, z, shape, b_x = _posterior_terms(fit, t, frequency, recency, age)
    quantiles = [np.zeros(alive.size, dtype=np.int64) for _ in probabilities]
    rows = np.arange(alive.size)
    with np.errstate(divide="ignore"):
        log_z = np.log(z)
        log_pmf = shape * np.log1p(-z)  # log P(K = 0)
    below_k = np.exp(log_pmf)  # P(K <= n)
    beta_ratio = np.ones(alive.size)  # B(a, b+x+n) / B(a, b+x)
    n = 0
    while rows.size:
        # P(X <= n) = 1 - P(X >= n + 1) = 1 - P(alive) P(K > n) B(a, b+x+n) / B(a, b+x).
        survival = alive * np.clip(1.0 - below_k, 0.0, 1.0) * beta_ratio
        still_open = np.zeros(rows.size, dtype=bool)
        for quantile, probability in zip(quantiles, probabilities, strict=True):
            below = 1.0 - survival < probability
            quantile[rows[below]] = n + 1
            still_open |= below
        rows, alive, shape, b_x, log_z, log_pmf, below_k, beta_ratio = (
            term[still_open]
            for term in (rows, alive, shape, b_x, log_z, log_pmf, below_k, beta_ratio)
        )
        n += 1
        log_pmf = log_pmf + log_z + np.log(shape + n - 1.0) - np.log(n)
        below_k = below_k + np.exp(log_pmf)
        beta_ratio = beta_ratio * (b_x + n - 1.0) / (fit.a + b_x + n - 1.0)
    return quantiles
