"""The scale benchmark behind `make bench`: the warehouse against two DuckDB floors and a
pandas notebook, at several sizes, each step a separate process.

    python -m customer_segmentation.bench --sizes 100000 1000000

For each size it generates the demo data once (cached under `data/bench/`, git-ignored), then
measures wall time and peak RSS of:

- `plain_floor`: `bench/floor_plain.py`, the plainest fast way: DuckDB's typed CSV reader and
  one SQL script for the RFM and engagement figures (exact duplicates removed, the as-of cut,
  currency conversion), no parsing or quarantine; every ratio is against it;
- `floor_duckdb`: `bench/floor_duckdb.py`, the same figures with the warehouse's text parsing
  and rejection rules but no dbt, so the gap between the two floors is the cost of quarantine;
- `pandas`: `bench/pandas_rfm_engagement.py`, the same figures the notebook way;
- `dbt_build`: the full `dbt build` (seeds, models, tests) into a fresh DuckDB file;
- `dbt_rfm_engagement`: the models that compute the same figures (every model upstream of
  `customer_rfm` and `customer_engagement`, their seeds, and those two), built alone with
  `dbt build --select` into their own file; its wall time is the time during which one of them
  was running (`run_results.json`), without dbt's start-up;
- `clustering`: `dbt run --select int_segmentation_fit` on the built file, k selection included.

Ratios are against the floors of the same size measured in the same run, never against a
figure from another machine or day: these machines are noisy, so no test times anything.
Results go to `bench/results/<date>.json` and `.md`; `--docs-page` also rewrites the table
between the `bench:start` and `bench:end` markers of that page (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

from customer_segmentation.bench.results import (
    machine,
    markdown,
    slowest_nodes_markdown,
    target_checks,
    update_docs_page,
)
from customer_segmentation.bench.steps import run_size

PROJECT_DIR = Path(__file__).resolve().parents[3]
DEFAULT_SIZES = (100_000, 1_000_000)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer_segmentation.bench")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--data-dir", type=Path, default=PROJECT_DIR / "data" / "bench")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "bench" / "results")
    parser.add_argument("--docs-page", type=Path, default=None)
    args = parser.parse_args(argv)
    # The floor gets the same DuckDB memory cap as the warehouse's profile.
    memory_limit = os.environ.get("DUCKDB_MEMORY_LIMIT", "3GB")
    work_root = args.data_dir / "work"
    runs = [run_size(size, args.data_dir, work_root, memory_limit) for size in sorted(args.sizes)]
    info = machine()
    checks = target_checks(runs)
    today = date.today().isoformat()
    args.out.mkdir(parents=True, exist_ok=True)
    result = {
        "date": today,
        "machine": info,
        "duckdb_memory_limit": memory_limit,
        "steps": [asdict(step) for run in runs for step in run.steps],
        "targets": checks,
        "nodes": {str(run.customers): run.nodes for run in runs},
    }
    (args.out / f"{today}.json").write_text(json.dumps(result, indent=2) + "\n")
    table = markdown(runs, checks, info, today)
    largest = max(runs, key=lambda run: run.customers)
    every_node = "\n".join(slowest_nodes_markdown(run) for run in runs)
    (args.out / f"{today}.md").write_text(table + "\n" + every_node)
    print("\n" + table + "\n" + slowest_nodes_markdown(largest, limit=25))
    if args.docs_page:
        update_docs_page(args.docs_page, table)
    return 0 if all(step.status == "ok" for run in runs for step in run.steps) else 1


if __name__ == "__main__":
    raise SystemExit(main())
