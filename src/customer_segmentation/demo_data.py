"""Demo data generator entry point: `python -m customer_segmentation.demo_data --help`.

The implementation lives in the `customer_segmentation.demo` package; this module keeps
the documented command and import path stable.
"""

from __future__ import annotations

from customer_segmentation.demo import (
    DIRT_KEYS,
    HEADERS,
    INFO_KEYS,
    TYPE_NAMES,
    default_truth_path,
    generate,
    main,
)

__all__ = [
    "DIRT_KEYS",
    "HEADERS",
    "INFO_KEYS",
    "TYPE_NAMES",
    "default_truth_path",
    "generate",
    "main",
]

if __name__ == "__main__":
    raise SystemExit(main())
