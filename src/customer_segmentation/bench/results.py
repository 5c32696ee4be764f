"""The benchmark's results: the targets checked at the largest size, the machine it ran on, and
the Markdown tables written to bench/results and docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

from customer_segmentation.bench.steps import SizeRun, Step, step_of

TABLE_START = "<!-- bench:start -->"
TABLE_END = "<!-- bench:end -->"

# Targets, checked (and reported, never asserted) at the largest size, against the plain
# floor (bench/floor_plain.py: DuckDB's typed reader and one pass of SQL).
TARGET_RFM_ENGAGEMENT_RATIO = 2.0
TARGET_BUILD_RATIO = 10.0
TARGET_PEAK_RSS_MB = 4096
TARGET_CLUSTERING_S = 60.0
TARGET_TIME_GROWTH = 12.0  # 100,000 -> 1,000,000 customers in at most 12x the time


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
