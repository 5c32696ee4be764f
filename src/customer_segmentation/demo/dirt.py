"""Generic dirt helpers shared by the per-file renderers.

Each injected problem is drawn from its own mask so it can be counted exactly; copies
(exact duplicates, duplicate keys) are only ever made of otherwise clean rows, so every
count in the summary can be re-derived from the written files by the obvious predicate.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

Columns = dict[str, np.ndarray]


def pick(
    rng: np.random.Generator, n: int, rate: float, eligible: np.ndarray | None = None
) -> np.ndarray:
    """Boolean mask selecting each (eligible) row independently with probability `rate`."""
    chosen = rng.random(n) < rate
    return chosen if eligible is None else chosen & eligible


def bands(rng: np.random.Generator, n: int, rates: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Mutually exclusive masks from one uniform draw (a row gets at most one of these)."""
    u = rng.random(n)
    masks: dict[str, np.ndarray] = {}
    lower = 0.0
    for name, rate in rates.items():
        masks[name] = (u >= lower) & (u < lower + rate)
        lower += rate
    return masks


def choose(rng: np.random.Generator, options: tuple, n: int) -> np.ndarray:
    """`n` values drawn uniformly from a small tuple of options."""
    return np.asarray(options)[rng.integers(len(options), size=n)]


def unknown_customer_numbers(rng: np.random.Generator, total_customers: int, n: int) -> np.ndarray:
    """Customer numbers guaranteed absent from customers.csv (beyond the last real one)."""
    return total_customers + 1 + rng.integers(0, total_customers + 1000, size=n)


def break_customer_refs(
    rng: np.random.Generator,
    customer: np.ndarray,
    total_customers: int,
    unknown_rate: float,
    empty_rate: float,
    eligible: np.ndarray,
) -> tuple[np.ndarray, int, int]:
    """Point some `eligible` rows at unknown customers, blank others (-1 renders as empty).

    Callers exclude rows that already carry another problem, so each row has at most one
    and quarantine counts per reason match the injected counts.
    """
    masks = bands(rng, len(customer), {"unknown": unknown_rate, "empty": empty_rate})
    masks = {k: v & eligible for k, v in masks.items()}
    out = customer.copy()
    out[masks["unknown"]] = unknown_customer_numbers(
        rng, total_customers, int(masks["unknown"].sum())
    )
    out[masks["empty"]] = -1
    return out, int(masks["unknown"].sum()), int(masks["empty"].sum())


def with_copies(columns: Columns, sources: np.ndarray, copies: Columns | None = None) -> Columns:
    """Insert a copy of each `sources` row right after it (exact, or `copies` if given).

    Duplicates land next to their original, as they do when an export is double-loaded.
    """
    n = len(next(iter(columns.values())))
    extra = copies if copies is not None else {k: v[sources] for k, v in columns.items()}
    position = np.concatenate([np.arange(n, dtype=np.float64), sources + 0.5])
    order = np.argsort(position, kind="stable")
    return {k: np.concatenate([v, extra[k]])[order] for k, v in columns.items()}


def out_of_range(
    rng: np.random.Generator, values: np.ndarray, rate: float, bad_values: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Replace some scores by impossible ones; returns new values and the dirty mask."""
    mask = pick(rng, len(values), rate)
    out = values.copy()
    out[mask] = choose(rng, bad_values, int(mask.sum()))
    return out, mask
