"""The papers' customer summary and the gate on enough data, before any CLV fit.

Inputs follow the papers: `frequency` x = number of repeat purchases (days), `recency` t_x =
time of the last purchase since the first, `age` T = time from the first purchase to the end
of the calibration period, all in one time unit (weeks by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

MIN_CUSTOMERS = 30
MIN_REPEAT_CUSTOMERS = 10


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
