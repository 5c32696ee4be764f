"""Which 95% interval for revenue lift per customer holds its coverage on campaign data?

Revenue per customer in a conversion window is mostly zeros with a long tail, and a holdout is
small. This draws such groups (a share converts, buyers spend a log-normal amount) for a grid
of sizes, holdout shares and conversion rates, with and without an effect, and counts how often
each interval covers the true difference of means: Welch's (each group its own variance) and
Student's (pooled variance). Printed as a Markdown table; the decision is in
bench/results/2026-12-04-revenue-interval-decision.md.

    .venv/bin/python bench/revenue_interval_coverage.py
"""

from __future__ import annotations

import numpy as np
from scipy import stats

SAMPLES = 3000
LOG_MEAN, LOG_SD = 4.2, 1.0  # spend of a buyer: median 67, mean 110


def _groups(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    converts = rng.random((SAMPLES, n)) < rate
    return np.where(converts, rng.lognormal(LOG_MEAN, LOG_SD, (SAMPLES, n)), 0.0)


def coverage(rng: np.random.Generator, treated: int, controls: int, rate_t: float, rate_c: float):
    truth = (rate_t - rate_c) * np.exp(LOG_MEAN + LOG_SD**2 / 2)
    t, c = _groups(rng, treated, rate_t), _groups(rng, controls, rate_c)
    difference = t.mean(1) - c.mean(1)
    var_t, var_c = t.var(1, ddof=1), c.var(1, ddof=1)
    welch_se = np.sqrt(var_t / treated + var_c / controls)
    with np.errstate(divide="ignore", invalid="ignore"):
        welch_df = welch_se**4 / (
            (var_t / treated) ** 2 / (treated - 1) + (var_c / controls) ** 2 / (controls - 1)
        )
    welch = stats.t.ppf(0.975, np.maximum(np.nan_to_num(welch_df, nan=1.0), 1.0)) * welch_se
    pooled_var = ((treated - 1) * var_t + (controls - 1) * var_c) / (treated + controls - 2)
    pooled = stats.t.ppf(0.975, treated + controls - 2) * np.sqrt(
        pooled_var * (1 / treated + 1 / controls)
    )
    miss = np.abs(difference - truth)
    return (miss <= welch).mean(), (miss <= pooled).mean()


def main() -> None:
    rng = np.random.default_rng(1)
    print("| treated | held out | control rate | treatment rate | Welch | pooled |")
    print("|---:|---:|---:|---:|---:|---:|")
    for treated in (300, 2000):
        for share in (0.1, 0.3):
            controls = int(treated * share / (1 - share))
            for rate in (0.02, 0.1, 0.3):
                for effect in (0.0, 0.5):
                    welch, pooled = coverage(rng, treated, controls, rate * (1 + effect), rate)
                    print(
                        f"| {treated} | {controls} | {rate:.2f} | {rate * (1 + effect):.2f} "
                        f"| {welch:.3f} | {pooled:.3f} |"
                    )


if __name__ == "__main__":
    main()
