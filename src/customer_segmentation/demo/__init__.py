"""Synthetic raw data for the customer-segmentation warehouse.

Six hidden customer types with different joint behaviour, realistic dirt the staging
layer must clean or quarantine, written in the canonical raw CSV contract. The true types
go to a side file outside the data folder so segmentation can be scored against them.
"""

from .cli import main
from .contract import DIRT_KEYS, HEADERS, INFO_KEYS
from .generator import default_truth_path, generate
from .profiles import TYPE_NAMES

__all__ = [
    "DIRT_KEYS",
    "HEADERS",
    "INFO_KEYS",
    "TYPE_NAMES",
    "default_truth_path",
    "generate",
    "main",
]
