"""The warehouse's rows as plain values for the templates, and parts that may be missing."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from customer_segmentation.warehouse import NoData


def _clean(value: Any) -> Any:
    """None for NaN/NA, plain Python numbers for numpy ones (Jinja formats them alike), dates
    for timestamps at midnight."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        # DuckDB dates reach pandas as midnight timestamps; a reader wants the date alone.
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _optional(read: Callable[[], Any], missing: list[str], what: str) -> Any:
    """Call `read`; on NoData note what is missing (for Limitations) and return None."""
    try:
        return read()
    except NoData as error:
        missing.append(f"{what}: {error}")
        return None
