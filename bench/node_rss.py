"""Which dbt node holds the build's peak memory: `dbt build` into a fresh DuckDB file, as
`make bench` runs it but with one dbt thread, so that one node runs at a time, with the
process's RSS sampled every 0.2 s and matched to each node's run time (run_results.json).
Prints the nodes with the highest RSS while they ran.

    .venv/bin/python bench/node_rss.py --raw-dir data/bench/customers_1000000 --work-dir /tmp/rss

Sampling shows where the peak is, not its exact height (`make bench` measures that, by wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.2


def rss_mb(pid: int) -> float | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    return next(int(line.split()[1]) / 1024 for line in lines if line.startswith("VmRSS"))


def sampled_build(raw_dir: Path, work_dir: Path) -> tuple[int, list[tuple[float, float]]]:
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / "warehouse.duckdb").unlink(missing_ok=True)
    env = {
        **os.environ,
        "DUCKDB_PATH": str(work_dir / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "target" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), "build", "--threads", "1", "--vars", json.dumps({"raw_dir": str(raw_dir)})]
    samples = []
    with open(work_dir / "dbt_build.log", "w") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        while process.poll() is None:
            rss = rss_mb(process.pid)
            if rss is not None:
                samples.append((time.time(), rss))
            time.sleep(SAMPLE_SECONDS)
    return process.returncode, samples


def node_peaks(target_dir: Path, samples: list[tuple[float, float]]) -> list[tuple[float, str]]:
    """Each node's highest sampled RSS while it executed, highest first."""
    peaks = []
    for result in json.loads((target_dir / "run_results.json").read_text())["results"]:
        timing = {step["name"]: step for step in result.get("timing", [])}
        if "execute" not in timing:
            continue
        start, end = (
            datetime.fromisoformat(timing["execute"][key].replace("Z", "+00:00")).timestamp()
            for key in ("started_at", "completed_at")
        )
        inside = [rss for at, rss in samples if start <= at <= end + SAMPLE_SECONDS]
        if inside:
            peaks.append((max(inside), result["unique_id"]))
    return sorted(peaks, reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", type=Path, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    returncode, samples = sampled_build(args.raw_dir.resolve(), args.work_dir.resolve())
    highest = max(rss for _, rss in samples)
    print(f"dbt build rc {returncode}; {len(samples)} samples, highest {highest:,.0f} MB")
    for peak, node in node_peaks(args.work_dir / "target", samples)[: args.top]:
        print(f"{peak:8,.0f} MB  {node}")
    return returncode


if __name__ == "__main__":
    raise SystemExit(main())
