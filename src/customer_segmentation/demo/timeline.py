"""The observation window, and fast vectorised timestamp/date sampling and formatting.

Times are kept as integer seconds since the window start (UTC, naive) until the very last
moment, and are rendered by table lookup and digit arithmetic instead of `strftime`: with
~30 million timestamps for a million customers, per-value Python formatting would dominate
the run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

SECONDS_PER_DAY = 86_400
MIN_WINDOW_DAYS = 540  # dormant needs a silent year before end plus room to have bought

# Relative activity by hour of day (shopping peaks at lunch and in the evening).
SHOPPING_HOURS = (1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 10, 12, 11, 9, 8, 8, 9, 11, 13, 13, 10, 6, 3)
OFFICE_HOURS = (0, 0, 0, 0, 0, 0, 1, 3, 8, 10, 10, 9, 7, 9, 10, 9, 8, 5, 3, 2, 1, 1, 0, 0)


@dataclass(frozen=True)
class Window:
    """Inclusive date range the demo data covers; every timestamp falls inside it."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of calendar days, end inclusive."""
        return (self.end - self.start).days + 1

    @property
    def seconds(self) -> int:
        """First second after the window (exclusive upper bound for event times)."""
        return self.days * SECONDS_PER_DAY

    @cached_property
    def _day64(self) -> np.ndarray:
        return np.datetime64(self.start, "D") + np.arange(self.days)

    @cached_property
    def day_codes(self) -> np.ndarray:
        """`YYYY-MM-DD` of every day as a (days, 10) array of UCS-4 code points."""
        text = np.datetime_as_string(self._day64, unit="D").astype("U10")
        return text.view(np.uint32).reshape(self.days, 10).copy()

    @cached_property
    def month_of_day(self) -> np.ndarray:
        """Index (0-based, from the start month) of the calendar month of each day."""
        months = self._day64.astype("datetime64[M]")
        return (months - months[0]).astype(np.int64)

    @cached_property
    def month_labels(self) -> np.ndarray:
        """`YYYY-MM` for every month index touched by the window."""
        months = np.unique(self._day64.astype("datetime64[M]"))
        return np.datetime_as_string(months, unit="M").astype("U7")

    @cached_property
    def month_first_day(self) -> np.ndarray:
        """Day index of the first window day in each month."""
        return np.searchsorted(self.month_of_day, np.arange(len(self.month_labels)))

    def format_dates(self, days: np.ndarray) -> np.ndarray:
        """Render day indices as `YYYY-MM-DD` strings."""
        codes = self.day_codes[np.asarray(days, dtype=np.int64)]
        return np.ascontiguousarray(codes).view("U10").ravel()

    def timestamp_codes(self, secs: np.ndarray, separator: str = " ") -> np.ndarray:
        """Code points of `YYYY-MM-DD?HH:MM:SS` (n, 19), for callers that rearrange them."""
        secs = np.asarray(secs, dtype=np.int64)
        if secs.size and (secs.min() < 0 or secs.max() >= self.seconds):
            raise ValueError("timestamp outside the demo window")
        day, clock = np.divmod(secs, SECONDS_PER_DAY)
        codes = np.empty((len(secs), 19), dtype=np.uint32)
        codes[:, :10] = self.day_codes[day]
        codes[:, 10] = ord(separator)
        codes[:, [13, 16]] = ord(":")
        hour, rest = np.divmod(clock, 3600)
        minute, second = np.divmod(rest, 60)
        for col, value in ((11, hour), (14, minute), (17, second)):
            codes[:, col] = value // 10 + ord("0")
            codes[:, col + 1] = value % 10 + ord("0")
        return codes

    def format_timestamps(self, secs: np.ndarray, separator: str = " ") -> np.ndarray:
        """Render seconds-since-start as `YYYY-MM-DD HH:MM:SS` (or with another separator)."""
        return self.timestamp_codes(secs, separator).view("U19").ravel()


def uniform_ints(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One integer uniformly in [lo, hi] per element (days, scores...; requires lo <= hi)."""
    lo = np.asarray(lo, dtype=np.int64)
    span = np.asarray(hi, dtype=np.int64) - lo + 1
    if span.size and span.min() < 1:
        raise ValueError("empty integer range")
    return lo + np.floor(rng.random(len(lo)) * span).astype(np.int64)


def clock_seconds(rng: np.random.Generator, n: int, hour_weights: tuple[int, ...]) -> np.ndarray:
    """Seconds into the day, with a realistic hour-of-day profile."""
    weights = np.asarray(hour_weights, dtype=np.float64)
    cum = np.cumsum(weights / weights.sum())
    cum[-1] = 1.0
    hours = np.searchsorted(cum, rng.random(n), side="right")
    return hours * 3600 + rng.integers(0, 3600, n)


def times_in_days(
    rng: np.random.Generator,
    lo_day: np.ndarray,
    hi_day: np.ndarray,
    hour_weights: tuple[int, ...] = SHOPPING_HOURS,
) -> np.ndarray:
    """Event seconds since window start: a uniform day in [lo_day, hi_day] at a plausible hour."""
    days = uniform_ints(rng, lo_day, hi_day)
    return days * SECONDS_PER_DAY + clock_seconds(rng, len(days), hour_weights)


def parse_date(value: date | str) -> date:
    """Accept `date` objects or ISO strings, so the CLI and Python callers share validation."""
    return value if isinstance(value, date) else date.fromisoformat(value)
