"""Build the warehouse as of a series of dates, in order: what `make backfill` runs.

Each date is one `dbt build --vars '{as_of_date: ...}'` on the same DuckDB file, so each run
sees only events before its date, and the history tables (`customer_segment_history`,
`segmentation_runs`, `segment_centroids`) gain or replace that date's slice. Dates go oldest
first, so every run's segments are matched to the run before it. Running the same backfill
again gives the same tables: a date's rows are replaced, never appended twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
from tqdm import tqdm

STEPS = ("day", "week", "month")


def as_of_dates(start: dt.date, end: dt.date, step: str) -> list[dt.date]:
    """Dates from start to end inclusive; months step by calendar month from start's day."""
    if step not in STEPS:
        raise ValueError(f"step must be one of {', '.join(STEPS)}, not {step!r}")
    if end < start:
        raise ValueError(f"TO ({end}) is before FROM ({start})")
    dates, index = [], 0
    while True:
        if step == "month":
            month = start.month - 1 + index
            year, month = start.year + month // 12, month % 12 + 1
            try:
                current = start.replace(year=year, month=month)
            except ValueError as error:  # e.g. the 31st in a 30-day month
                raise ValueError(f"FROM's day ({start.day}) is not in every month") from error
        else:
            current = start + dt.timedelta(days=index * (7 if step == "week" else 1))
        if current > end:
            return dates
        dates.append(current)
        index += 1


def _summary(db_path: Path, as_of_date: dt.date) -> str:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        rows = connection.execute(
            "select scored_customer_count, k, matched_segment_count, new_segment_ids,"
            " vanished_segment_ids from segmentation_runs where as_of_date = ?",
            [as_of_date],
        ).fetchall()
    if not rows:
        return "no segmentation run recorded"
    customers, k, matched, new, vanished = rows[0]
    return (
        f"{customers:,} scored customers, k={k}, {matched} segment(s) matched"
        f", new: {new or 'none'}, vanished: {vanished or 'none'}"
    )


def backfill(
    dates: Sequence[dt.date],
    *,
    raw_dir: str,
    raw_format: str,
    db_path: Path,
    dbt: Path,
    project_dir: Path,
    progress: bool = True,
) -> list[tuple[dt.date, float, str]]:
    """Run one dbt build per date; stop at the first failure, naming the date."""
    env = {**os.environ, "DUCKDB_PATH": str(db_path)}
    results = []
    bar = tqdm(dates, unit="date", disable=not progress, file=sys.stderr)
    for as_of_date in bar:
        bar.set_description(str(as_of_date))
        dbt_vars = {"raw_dir": raw_dir, "raw_format": raw_format, "as_of_date": str(as_of_date)}
        started = time.perf_counter()
        result = subprocess.run(
            [str(dbt), "build", "--vars", json.dumps(dbt_vars)],
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            tail = "\n".join(result.stdout.splitlines()[-25:])
            raise RuntimeError(f"dbt build as of {as_of_date} failed:\n{tail}")
        line = _summary(db_path, as_of_date)
        tqdm.write(f"{as_of_date}: {line} ({seconds:.1f} s)", file=sys.stdout)
        results.append((as_of_date, seconds, line))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--step", default="month", choices=STEPS)
    parser.add_argument("--raw-dir", required=True)
    parser.add_argument("--raw-format", default="canonical")
    parser.add_argument("--db", default="warehouse.duckdb", type=Path)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    try:
        dates = as_of_dates(args.start, args.end, args.step)
    except ValueError as error:
        print(f"backfill: {error}", file=sys.stderr)
        return 2
    project_dir = Path(__file__).resolve().parents[3]
    dbt = Path(sys.executable).parent / "dbt"
    started = time.perf_counter()
    try:
        results = backfill(
            dates,
            raw_dir=args.raw_dir,
            raw_format=args.raw_format,
            db_path=args.db,
            dbt=dbt,
            project_dir=project_dir,
            progress=not args.no_progress,
        )
    except RuntimeError as error:
        print(f"backfill: {error}", file=sys.stderr)
        return 1
    total = time.perf_counter() - started
    print(
        f"{len(results)} date(s) built in {total:.0f} s ({total / max(len(results), 1):.1f} s each)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
