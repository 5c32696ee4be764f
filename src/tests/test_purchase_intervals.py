"""BG/NBD's predictive distribution of purchase counts (predicted_value.intervals): it agrees
with the model's expectation, and on customers simulated from known parameters its tail
probabilities and 80% intervals hold what they claim."""

from __future__ import annotations

import numpy as np
import pytest

from customer_segmentation.predicted_value import clv_data
from customer_segmentation.predicted_value.bgnbd import BgNbdFit, expected_purchases
from customer_segmentation.predicted_value.intervals import (
    purchase_count_survival,
    purchase_quantiles,
)

PUBLISHED = dict(r=0.243, alpha=4.414, a=0.793, b=2.426, p=6.25, q=3.74, v=15.44)
FIT = BgNbdFit(
    r=PUBLISHED["r"],
    alpha=PUBLISHED["alpha"],
    a=PUBLISHED["a"],
    b=PUBLISHED["b"],
    log_likelihood=0.0,
    n_customers=0,
    converged=True,
    iterations=0,
    message="",
)


def test_the_tail_probabilities_sum_to_the_expected_purchases():
    # E[X] = sum over n >= 1 of P(X >= n): the distribution and the paper's eq. 10 agree.
    x = np.array([0.0, 1.0, 2.0, 5.0, 10.0, 30.0])
    recency = np.array([0.0, 10.0, 20.0, 30.0, 35.0, 38.0])
    age = np.full(6, 39.0)
    for t in (4.0, 39.0, 104.0):
        total = sum(purchase_count_survival(FIT, n, t, x, recency, age) for n in range(1, 3000))
        np.testing.assert_allclose(total, expected_purchases(FIT, t, x, recency, age), rtol=1e-8)


def test_quantiles_are_the_smallest_counts_reaching_each_probability():
    # The walk's recurrences against the direct form, down to a wholesale buyer with 900
    # repeat purchase days, whose early negative binomial terms underflow.
    x, recency = np.array([0.0, 3.0, 12.0, 900.0]), np.array([0.0, 20.0, 38.0, 38.9])
    age, t = 39.0, 52.0
    low, high = purchase_quantiles(FIT, t, x, recency, age)
    for customer in range(4):
        cdf = [
            1.0 - purchase_count_survival(FIT, n + 1, t, x[customer], recency[customer], age)[0]
            for n in range(3000)
        ]
        for quantile, probability in ((low, 0.1), (high, 0.9)):
            n = quantile[customer]
            assert cdf[n] >= probability and (n == 0 or cdf[n - 1] < probability)
    # The more and the more recently a customer bought, the higher the interval reaches.
    assert high[0] < high[1] < high[2] < high[3] and low[0] <= low[1] <= low[2] <= low[3]


def test_intervals_hold_their_share_of_simulated_customers():
    """Customers drawn from BG/NBD with known parameters, then followed for 39 weeks: the
    predicted tail probabilities match what they did, and the 80% interval covers at least
    80% of them while each tail holds at most a tenth (counts are whole, so a little more
    coverage is expected, not less)."""
    sim = clv_data.simulate_customers(40_000, seed=21, day_resolution=False, **PUBLISHED)
    actual = sim.holdout_purchases
    for n in (1, 2, 4):
        predicted = purchase_count_survival(FIT, n, 39.0, sim.frequency, sim.recency, sim.age)
        assert predicted.mean() == pytest.approx((actual >= n).mean(), abs=0.006)
    low, high = purchase_quantiles(FIT, 39.0, sim.frequency, sim.recency, sim.age)
    assert ((actual >= low) & (actual <= high)).mean() >= 0.8
    assert (actual > high).mean() <= 0.1 + 0.005
    assert (actual < low).mean() <= 0.1 + 0.005
