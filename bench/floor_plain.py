"""Run bench/floor_plain.sql, the plain floor of the benchmark, on one raw folder.

    python bench/floor_plain.py --raw-dir DIR --db FILE [--as-of-date YYYY-MM-DD]
        [--threads N] [--memory-limit 3GB]

Leaves plain_customer_rfm and plain_customer_engagement in FILE; prints their row counts and
the elapsed seconds. Same runner and parameters as bench/floor_duckdb.py, another script: the
typed CSV reader and one pass of SQL, without the warehouse's parsing and quarantine.
"""

from __future__ import annotations

from pathlib import Path

from floor_duckdb import main

SCRIPT = Path(__file__).resolve().parent / "floor_plain.sql"

if __name__ == "__main__":
    raise SystemExit(
        main(script=SCRIPT, tables=("plain_customer_rfm", "plain_customer_engagement"))
    )
