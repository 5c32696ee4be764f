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
- `dbt_rfm_engagement`: the models of that build that compute the same figures (every model
  upstream of `customer_rfm` and `customer_engagement`, and those two), summed from
  `run_results.json`, so its peak RSS is the build's;
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
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
DEFAULT_SIZES = (100_000, 1_000_000)
DEMO_SEED = 42
# The models whose upstream (and themselves) compute what the floor and pandas compute.
RFM_ENGAGEMENT_MARTS = ("customer_rfm", "customer_engagement")
STEP_TIMEOUT_S = 3 * 3600
TABLE_START = "<!-- bench:start -->"
TABLE_END = "<!-- bench:end -->"

# Targets, checked (and reported, never asserted) at the largest size, against the plain
# floor (bench/floor_plain.py: DuckDB's typed reader and one pass of SQL).
TARGET_RFM_ENGAGEMENT_RATIO = 2.0
TARGET_BUILD_RATIO = 10.0
TARGET_PEAK_RSS_MB = 4096
TARGET_CLUSTERING_S = 60.0
TARGET_TIME_GROWTH = 12.0  # 100,000 -> 1,000,000 customers in at most 12x the time


@dataclass
class Step:
    """One measured step; `status` is exactly "ok" when the step finished."""

    name: str
    customers: int
    order_lines: int
    wall_s: float | None
    peak_rss_mb: float | None
    ratio_to_floor: float | None = None  # against floor_duckdb (the warehouse's parsing, no dbt)
    status: str = "ok"
    log: str | None = None
    # The machine's 1-minute load average when the step started and ended: the numbers are
    # only as quiet as the machine was.
    load_before: float | None = None
    load_after: float | None = None
    ratio_to_plain_floor: float | None = None  # against plain_floor (typed reader, no rules)


@dataclass
class Measurement:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    timed_out: bool


@dataclass
class SizeRun:
    customers: int
    order_lines: int
    steps: list[Step] = field(default_factory=list)
    nodes: list[dict] = field(default_factory=list)


def measure(command: Sequence[str], *, log_path: Path, env: dict | None = None) -> Measurement:
    """Run a command as its own process: wall time, and peak RSS from the kernel's accounting
    of that process (`wait4`), which sees DuckDB's memory too since it lives in-process."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=PROJECT_DIR,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(STEP_TIMEOUT_S, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall_s = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux.
    return Measurement(wall_s, usage.ru_maxrss / 1024, process.returncode, timed_out.is_set())


def status_of(measurement: Measurement) -> str:
    if measurement.timed_out:
        return f"timed out after {STEP_TIMEOUT_S} s"
    if measurement.returncode < 0:
        return f"killed by signal {-measurement.returncode}"
    return "ok" if measurement.returncode == 0 else f"failed (exit {measurement.returncode})"


def ensure_data(customers: int, data_dir: Path) -> tuple[Path, int]:
    """The demo folder for this size, generated once (with a progress bar) and then reused."""
    raw_dir = data_dir / f"customers_{customers}"
    marker = raw_dir / "bench_data.json"
    if not marker.exists():
        from customer_segmentation.demo_data import generate

        print(f"Generating the demo data for {customers:,} customers into {raw_dir}", flush=True)
        counts = generate(raw_dir, customers, DEMO_SEED, progress=True)
        marker.write_text(json.dumps({"customers": customers, "rows": counts["rows"]}, indent=2))
    rows = json.loads(marker.read_text())["rows"]
    return raw_dir, int(rows["order_lines.csv"])


def display_path(path: Path) -> str:
    """A path relative to the project when it is inside it, so committed results do not
    carry one machine's folders."""
    try:
        return str(path.resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def dbt_env(work_dir: Path) -> dict:
    return {
        "DUCKDB_PATH": str(work_dir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "target" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def node_timings(target_dir: Path) -> list[dict]:
    """Every model, seed and test of the build with its time, slowest first."""
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    timings = [
        {
            "unique_id": result["unique_id"],
            "status": result["status"],
            "execution_time_s": round(result["execution_time"], 3),
        }
        for result in results
    ]
    return sorted(timings, key=lambda node: node["execution_time_s"], reverse=True)


def rfm_engagement_nodes(target_dir: Path) -> set[str]:
    """The models upstream of the RFM and engagement marts, and those marts."""
    manifest = json.loads((target_dir / "manifest.json").read_text())
    parents = manifest["parent_map"]
    pending = [f"model.customer_segmentation.{name}" for name in RFM_ENGAGEMENT_MARTS]
    found: set[str] = set()
    while pending:
        node = pending.pop()
        if node in found or not node.startswith("model."):
            continue
        found.add(node)
        pending.extend(parents.get(node, []))
    return found


def run_size(customers: int, data_dir: Path, work_root: Path, memory_limit: str) -> SizeRun:
    raw_dir, order_lines = ensure_data(customers, data_dir)
    run = SizeRun(customers, order_lines)
    work_dir = work_root / f"customers_{customers}"
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale in work_dir.glob("*.duckdb*"):
        stale.unlink()
    python = str(BIN_DIR / "python")
    dbt_vars = json.dumps({"raw_dir": str(raw_dir)})

    def record(name: str, command: Sequence[str], env: dict | None = None) -> Step:
        log_path = work_dir / f"{name}.log"
        print(f"[{customers:,} customers] {name} ...", flush=True)
        load_before = os.getloadavg()[0]
        measured = measure(command, log_path=log_path, env=env)
        step = Step(
            name,
            customers,
            order_lines,
            round(measured.wall_s, 2),
            round(measured.peak_rss_mb, 1),
            status=status_of(measured),
            log=display_path(log_path),
            load_before=round(load_before, 2),
            load_after=round(os.getloadavg()[0], 2),
        )
        print(
            f"    {step.status}: {step.wall_s:.1f} s, peak RSS {step.peak_rss_mb:,.0f} MB "
            f"(load {step.load_before} -> {step.load_after})",
            flush=True,
        )
        run.steps.append(step)
        return step

    record(
        "plain_floor",
        [
            python,
            "bench/floor_plain.py",
            "--raw-dir",
            str(raw_dir),
            "--db",
            str(work_dir / "plain.duckdb"),
            "--memory-limit",
            memory_limit,
        ],
    )
    record(
        "floor_duckdb",
        [
            python,
            "bench/floor_duckdb.py",
            "--raw-dir",
            str(raw_dir),
            "--db",
            str(work_dir / "floor.duckdb"),
            "--memory-limit",
            memory_limit,
        ],
    )
    record(
        "pandas",
        [
            python,
            "bench/pandas_rfm_engagement.py",
            "--raw-dir",
            str(raw_dir),
            "--out",
            str(work_dir / "pandas.duckdb"),
        ],
    )
    build = record(
        "dbt_build", [str(BIN_DIR / "dbt"), "build", "--vars", dbt_vars], env=dbt_env(work_dir)
    )
    target_dir = work_dir / "target"
    if (target_dir / "run_results.json").exists():
        run.nodes = node_timings(target_dir)
        wanted = rfm_engagement_nodes(target_dir)
        chosen = [node for node in run.nodes if node["unique_id"] in wanted]
        run.steps.append(
            Step(
                "dbt_rfm_engagement",
                customers,
                order_lines,
                round(sum(node["execution_time_s"] for node in chosen), 2),
                build.peak_rss_mb,
                status="ok"
                if chosen and all(node["status"] == "success" for node in chosen)
                else "failed (see dbt_build.log)",
                log=build.log,
            )
        )
    record(
        "clustering",
        [str(BIN_DIR / "dbt"), "run", "--select", "int_segmentation_fit", "--vars", dbt_vars],
        env=dbt_env(work_dir),
    )
    plain, floor = step_of(run, "plain_floor"), step_of(run, "floor_duckdb")
    for step in run.steps:
        if step.wall_s is not None and plain.status == "ok" and plain.wall_s:
            step.ratio_to_plain_floor = round(step.wall_s / plain.wall_s, 2)
        if step.wall_s is not None and floor.status == "ok" and floor.wall_s:
            step.ratio_to_floor = round(step.wall_s / floor.wall_s, 2)
    return run


def machine() -> dict:
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    versions = {}
    for package in ("dbt-core", "dbt-duckdb", "duckdb", "pandas", "scikit-learn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kb / 1024**2, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
    }


def step_of(run: SizeRun, name: str) -> Step | None:
    return next((step for step in run.steps if step.name == name), None)


def target_checks(runs: list[SizeRun]) -> list[dict]:
    """The issue's targets at the largest size, each with the measured figure and a verdict."""
    largest = max(runs, key=lambda run: run.customers)
    plain = step_of(largest, "plain_floor")
    rfm = step_of(largest, "dbt_rfm_engagement")
    build = step_of(largest, "dbt_build")
    clustering = step_of(largest, "clustering")
    checks: list[dict] = []

    def check(target: str, measured: float | None, limit: float) -> None:
        met = None if measured is None else measured <= limit
        checks.append({"target": target, "measured": measured, "limit": limit, "met": met})

    def ratio(numerator: Step | None, denominator: Step | None) -> float | None:
        if not (numerator and denominator and numerator.wall_s and denominator.wall_s):
            return None
        if numerator.status != "ok" or denominator.status != "ok":
            return None
        return round(numerator.wall_s / denominator.wall_s, 2)

    check("dbt_rfm_engagement / plain_floor", ratio(rfm, plain), TARGET_RFM_ENGAGEMENT_RATIO)
    check("dbt_build / plain_floor", ratio(build, plain), TARGET_BUILD_RATIO)
    for step in (build, plain):
        if step is not None:
            check(f"{step.name} peak RSS (MB)", step.peak_rss_mb, TARGET_PEAK_RSS_MB)
    check("clustering wall (s)", clustering.wall_s if clustering else None, TARGET_CLUSTERING_S)
    smaller = [run for run in runs if run.customers < largest.customers]
    if smaller:
        base = max(smaller, key=lambda run: run.customers)
        for name in ("dbt_build", "clustering"):
            check(
                f"{name} time growth ({base.customers:,} -> {largest.customers:,} customers)",
                ratio(step_of(largest, name), step_of(base, name)),
                TARGET_TIME_GROWTH,
            )
    return checks


def markdown(runs: list[SizeRun], checks: list[dict], info: dict, today: str) -> str:
    def cell(value: float | None, digits: int = 1) -> str:
        return "" if value is None else f"{value:,.{digits}f}"

    lines = [
        f"Measured {today} on {info['cores']} cores, {info['ram_gib']} GiB RAM "
        f"({info['platform']}; duckdb {info['versions']['duckdb']}, "
        f"dbt-core {info['versions']['dbt-core']}), `make bench`. `load` is the 1-minute load "
        f"average as the step started and ended; above {info['cores']}, other work competed.",
        "",
        "| step | customers | order lines | wall (s) | peak RSS (MB) | x plain floor | "
        "x parsing floor | status | load |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        for step in run.steps:
            lines.append(
                f"| {step.name} | {step.customers:,} | {step.order_lines:,} | "
                f"{cell(step.wall_s)} | {cell(step.peak_rss_mb, 0)} | "
                f"{cell(step.ratio_to_plain_floor, 2)} | {cell(step.ratio_to_floor, 2)} | "
                f"{step.status} | {load_cell(step)} |"
            )
    lines += ["", "| target (largest size) | measured | limit | met |", "|---|---:|---:|---|"]
    for item in checks:
        verdict = {True: "yes", False: "**no**", None: "not measured"}[item["met"]]
        lines.append(
            f"| {item['target']} | {cell(item['measured'], 2)} | {item['limit']:g} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def load_cell(step: Step) -> str:
    if step.load_before is None or step.load_after is None:
        return ""
    return f"{step.load_before:.1f} -> {step.load_after:.1f}"


def slowest_nodes_markdown(run: SizeRun, limit: int | None = None) -> str:
    shown = run.nodes if limit is None else run.nodes[:limit]
    lines = [
        f"dbt nodes at {run.customers:,} customers, slowest first "
        f"({len(shown)} of {len(run.nodes)}; all are in the JSON):",
        "",
        "| node | s |",
        "|---|---:|",
    ]
    for node in shown:
        lines.append(f"| {node['unique_id']} | {node['execution_time_s']:.1f} |")
    return "\n".join(lines) + "\n"


def update_docs_page(page: Path, table: str) -> None:
    text = page.read_text()
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise SystemExit(f"{page} has no {TABLE_START} ... {TABLE_END} block to update")
    page.write_text(text[: start + len(TABLE_START)] + "\n" + table + text[end:])


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
