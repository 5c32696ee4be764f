"""Exit 0 when the stored segment model is still fresh, 3 when `segment_drift` says it is stale
(so `make build SEGMENT_MODE=assign` refits), 2 when the warehouse cannot be read."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

STALE = 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="warehouse.duckdb", type=Path)
    args = parser.parse_args(argv)
    try:
        with duckdb.connect(str(args.db), read_only=True) as connection:
            rows = connection.execute(
                "select as_of_date, fitted_as_of_date, far_from_centroids_share,"
                " max_feature_mean_shift, drifted_features, is_stale from segment_drift"
            ).fetchall()
    except (duckdb.Error, OSError) as error:
        print(f"drift: cannot read segment_drift in {args.db}: {error}", file=sys.stderr)
        return 2
    if not rows:
        print("drift: no earlier run to compare with")
        return 0
    as_of, fitted, far_share, shift, features, is_stale = rows[0]
    print(
        f"drift as of {as_of} against the fit of {fitted}: {far_share:.1%} of customers far from"
        f" every centroid, largest feature mean shift {shift:.2f} SD"
        + (f" ({features})" if features else "")
        + (": stale" if is_stale else ": fresh")
    )
    return STALE if is_stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
