"""Vectorised draws from the profile table: one profile field stacked over the types, and
categories sampled per customer or line without a Python loop."""

from __future__ import annotations

from dataclasses import fields
from functools import cache

import numpy as np

from .profiles import PROFILES, TypeProfile

_FIELD_NAMES = frozenset(f.name for f in fields(TypeProfile))


@cache
def param(name: str) -> np.ndarray:
    """One profile field stacked over the types, so `param("x")[types]` vectorises lookups.

    Cached and read-only because every chunk reads the same table many times.
    """
    if name not in _FIELD_NAMES or name == "name":
        raise KeyError(f"unknown numeric profile field {name!r}")
    values = np.array([getattr(p, name) for p in PROFILES], dtype=np.float64)
    values.flags.writeable = False
    return values


def cumulative(name: str) -> np.ndarray:
    """Row-wise cumulative probabilities of a tuple field, last column forced to exactly 1."""
    probs = param(name)
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    return cum


def sample_rows(rng: np.random.Generator, cum: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element from the cumulative distribution `cum[rows]`.

    This is the vectorised replacement for calling `rng.choice` once per customer/line.
    """
    u = rng.random(len(rows))
    return (u[:, None] >= cum[rows]).sum(axis=1).astype(np.int64)


def sample_fixed(
    rng: np.random.Generator, probs: tuple[float, ...] | np.ndarray, n: int
) -> np.ndarray:
    """Draw `n` categories from one fixed distribution (vectorised)."""
    p = np.asarray(probs, dtype=np.float64)
    cum = np.cumsum(p / p.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right").astype(np.int64)
