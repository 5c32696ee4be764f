"""Tiny column-table helpers (dicts of equally long numpy arrays).

Plain dicts keep the per-chunk work in numpy without pandas' per-operation overhead.
"""

from __future__ import annotations

import numpy as np

Table = dict[str, np.ndarray]


def take(table: Table, index: np.ndarray) -> Table:
    """Rows `index` (positions or boolean mask) of a column table."""
    return {k: v[index] for k, v in table.items()}


def concat(parts: list[Table]) -> Table:
    """Stack tables with the same columns."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def chronological(table: Table, key: str = "secs") -> Table:
    """Rows sorted by time (stable), so ids handed out afterwards follow time."""
    return take(table, np.argsort(table[key], kind="stable"))


def owners(counts: np.ndarray) -> np.ndarray:
    """Row index repeated `counts[i]` times: the owner of each generated child row."""
    return np.repeat(np.arange(len(counts)), counts)
