"""Text formatting and CSV writing for planted data sets.

Values are formatted with whole-array operations, never per-value Python formatting: at
50,000 customers the optional files hold millions of rows, and strftime or `'%.2f' %` per
value would dominate the run time. Timestamps and counts stay typed until DuckDB writes them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from customer_segmentation.evaluation.planted_world import Timeline

SECONDS_PER_DAY = 86_400


@cache
def _two_digits() -> np.ndarray:
    return np.array([f"{i:02d}" for i in range(100)], dtype=object)


def moments(timeline: Timeline, t: np.ndarray) -> np.ndarray:
    """Whole-second UTC timestamps for times in days since the start of the history.

    They stay datetime64 values: the CSV writer prints them as `YYYY-MM-DD HH:MM:SS` far
    faster than Python could format them.
    """
    seconds = np.floor(np.asarray(t, dtype=float) * SECONDS_PER_DAY).astype(np.int64)
    return timeline.start.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def moment_text(values: pd.Series) -> pd.Series:
    """The text the CSV writer would print for timestamps (empty for missing ones), for the
    few places that must edit timestamps as text (dirt)."""
    stamps = values.to_numpy(dtype="datetime64[s]")
    missing = np.isnat(stamps)
    seconds = np.where(missing, 0, stamps.astype(np.int64))
    day, second = np.divmod(seconds, SECONDS_PER_DAY)
    first = int(day.min()) if day.size else 0
    day_text = np.datetime_as_string(
        np.arange(first, int(day.max(initial=first)) + 1).astype("datetime64[D]"), unit="D"
    ).astype(object)
    text = day_text[day - first] + _time_of_day_text()[second]
    text[missing] = ""
    return pd.Series(text, index=values.index, dtype=object)


@cache
def _time_of_day_text() -> np.ndarray:
    """' HH:MM:SS' for every second of a day, to build timestamps by lookup."""
    hours, rest = np.divmod(np.arange(SECONDS_PER_DAY), 3600)
    minutes, seconds = np.divmod(rest, 60)
    return np.array(
        [f" {h:02d}:{m:02d}:{s:02d}" for h, m, s in zip(hours, minutes, seconds, strict=True)],
        dtype=object,
    )


def dates(timeline: Timeline, day: np.ndarray) -> np.ndarray:
    """`YYYY-MM-DD` text for whole days since the start (negative days are before it)."""
    day = np.asarray(day, dtype=np.int64)
    if day.size == 0:
        return np.array([], dtype=object)
    first = int(day.min())
    days = timeline.start + np.arange(first, int(day.max()) + 1).astype("timedelta64[D]")
    return np.datetime_as_string(days, unit="D").astype(object)[day - first]


def money(amount: np.ndarray) -> np.ndarray:
    """Amounts as text with exactly two decimals; NaN becomes an empty (missing) value."""
    amount = np.asarray(amount, dtype=float)
    missing = np.isnan(amount)
    cents = np.round(np.abs(np.where(missing, 0.0, amount)) * 100).astype(np.int64)
    whole, fraction = np.divmod(cents, 100)
    text = whole.astype(str).astype(object) + "." + _two_digits()[fraction]
    negative = (amount < 0) & (cents > 0)
    text[negative] = "-" + text[negative]
    text[missing] = ""
    return text


def numbered(prefix: str, numbers: np.ndarray, width: int = 7) -> np.ndarray:
    """Fixed-width text ids such as `O10001234`: text, never numbers, as the contract wants.

    The number is offset by 10**width rather than zero-padded: same width and order, and
    no per-value padding pass over millions of ids.
    """
    offset = np.asarray(numbers, dtype=np.int64) + 10**width
    return prefix + offset.astype(str).astype(object)


def write_csv(table: pd.DataFrame, path: Path, columns: list[str]) -> None:
    """Write the table's columns in the given order as UTF-8 CSV with a header row.

    DuckDB writes the file: at 50,000 customers the optional files reach millions of rows and
    its writer is several times faster than pandas'. Empty strings are passed as NULL, which
    it writes as an empty field (an empty string it would write as `""`); the output is then
    byte for byte what pandas' `to_csv` writes, and insertion order is kept, so the same
    table always gives the same bytes.
    """
    data: dict[str, pd.Series] = {}
    for column in columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            data[column] = values
            continue
        # Plain object arrays: numpy compares them far faster than pandas' string dtype.
        text = values.to_numpy(dtype=object)
        empty = text == ""
        if empty.any():
            text = np.where(empty, None, text)
        data[column] = pd.Series(text, index=values.index, dtype=object)
    frame = pd.DataFrame(data, copy=False)
    with duckdb.connect() as con:
        con.execute("set preserve_insertion_order = true")
        con.register("planted_table", frame)
        con.execute(
            "copy (select * from planted_table) to ? (format csv, header true, delimiter ',')",
            [str(path)],
        )
