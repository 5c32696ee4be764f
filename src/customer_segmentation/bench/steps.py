"""The benchmark's steps: the demo data once per size, then each step as its own process, timed
and measured by the kernel (wall time, peak RSS), with dbt's per-node timings.

The steps and what each measures are listed in `customer_segmentation.bench.__main__`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[3]
BIN_DIR = Path(sys.executable).parent
DEMO_SEED = 42
# The models whose upstream (and themselves) compute what the floor and pandas compute.
RFM_ENGAGEMENT_MARTS = ("customer_rfm", "customer_engagement")
STEP_TIMEOUT_S = 3 * 3600


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


def step_of(run: SizeRun, name: str) -> Step | None:
    return next((step for step in run.steps if step.name == name), None)


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


def busy_wall_s(target_dir: Path, kinds: tuple[str, ...] = ("model", "seed")) -> float | None:
    """The seconds during which at least one node of these kinds was running, from the execute
    timings in `run_results.json`: with more than one dbt thread nodes overlap, so their wall
    time is the union of their intervals, not the sum of their times. None without timings."""
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    intervals = sorted(
        (
            datetime.fromisoformat(timing["started_at"]),
            datetime.fromisoformat(timing["completed_at"]),
        )
        for result in results
        if result["unique_id"].split(".")[0] in kinds
        for timing in result["timing"]
        if timing["name"] == "execute"
    )
    if not intervals:
        return None
    busy, (start, end) = 0.0, intervals[0]
    for next_start, next_end in intervals[1:]:
        if next_start > end:
            busy += (end - start).total_seconds()
            start, end = next_start, next_end
        else:
            end = max(end, next_end)
    return busy + (end - start).total_seconds()


def run_size(customers: int, data_dir: Path, work_root: Path, memory_limit: str) -> SizeRun:
    raw_dir, order_lines = ensure_data(customers, data_dir)
    run = SizeRun(customers, order_lines)
    work_dir = work_root / f"customers_{customers}"
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale in work_dir.rglob("*.duckdb*"):
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
    # The models that compute what the floors compute (every model upstream of the RFM and
    # engagement marts, their seeds, and the two marts), built alone into their own file: in the
    # whole build other nodes share the cores with them. The step's wall time is the time during
    # which one of them ran, without dbt's start-up, as the floors' is one script's.
    rfm_dir = work_dir / "rfm_engagement"
    rfm_dir.mkdir(exist_ok=True)
    rfm = record(
        "dbt_rfm_engagement",
        [
            str(BIN_DIR / "dbt"),
            "build",
            "--select",
            *[f"+{mart}" for mart in RFM_ENGAGEMENT_MARTS],
            "--exclude-resource-type",
            "test",
            "unit_test",
            "--vars",
            dbt_vars,
        ],
        env=dbt_env(rfm_dir),
    )
    if rfm.status == "ok":
        rfm.wall_s = round(busy_wall_s(rfm_dir / "target"), 2)
    record("dbt_build", [str(BIN_DIR / "dbt"), "build", "--vars", dbt_vars], env=dbt_env(work_dir))
    if (work_dir / "target" / "run_results.json").exists():
        run.nodes = node_timings(work_dir / "target")
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
