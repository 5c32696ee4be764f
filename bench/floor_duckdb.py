"""Run bench/floor_duckdb.sql, the no-dbt floor of the benchmark, on one raw folder.

    python bench/floor_duckdb.py --raw-dir DIR --db FILE [--as-of-date YYYY-MM-DD]
        [--threads N] [--memory-limit 3GB]

Leaves floor_customer_rfm and floor_customer_engagement in FILE; prints their row counts and
the elapsed seconds. The script's parameters are DuckDB variables (see its header).
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
SCRIPT = BENCH_DIR / "floor_duckdb.sql"
EMPTY_EXCHANGE_RATES = BENCH_DIR / "empty_exchange_rates.csv"
SEEDS_DIR = PROJECT_DIR / "seeds"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", required=True, type=Path, help="canonical raw folder")
    parser.add_argument("--db", required=True, type=Path, help="DuckDB file to write")
    parser.add_argument("--as-of-date", help="YYYY-MM-DD; default the day after the last order")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: DuckDB's)")
    parser.add_argument("--memory-limit", help="DuckDB memory_limit, e.g. 3GB")
    args = parser.parse_args(argv)
    if args.as_of_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.as_of_date):
        parser.error(f"--as-of-date must be YYYY-MM-DD; got {args.as_of_date!r}")
    return args


def run(
    raw_dir: Path,
    db: Path,
    as_of_date: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    script: Path = SCRIPT,
    tables: tuple[str, ...] = ("floor_customer_rfm", "floor_customer_engagement"),
) -> dict[str, int]:
    """Run a floor script into `db`; the row counts of the tables it leaves."""
    raw_dir = raw_dir.resolve()
    exchange_rates = raw_dir / "exchange_rates.csv"
    if not exchange_rates.exists():
        exchange_rates = EMPTY_EXCHANGE_RATES
    variables = {
        "raw_dir": str(raw_dir),
        "exchange_rates_csv": str(exchange_rates),
        "rfm_segment_names_csv": str(SEEDS_DIR / "rfm_segment_names.csv"),
        "channel_aliases_csv": str(SEEDS_DIR / "channel_aliases.csv"),
    }
    config = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db), config=config) as connection:
        for name, value in variables.items():
            connection.execute(f"SET VARIABLE {name} = ?", [value])
        if as_of_date:
            connection.execute("SET VARIABLE as_of_date = ?", [as_of_date])
        connection.execute(script.read_text())
        return {
            table: connection.execute(f"select count(*) from {table}").fetchone()[0]
            for table in tables
        }


def main(argv: list[str] | None = None, **script) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    counts = run(args.raw_dir, args.db, args.as_of_date, args.threads, args.memory_limit, **script)
    elapsed = time.perf_counter() - started
    for table, count in counts.items():
        print(f"{table}: {count} rows")
    print(f"elapsed_seconds: {elapsed:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
