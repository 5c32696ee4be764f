"""One build on the work copy: dbt seed and build (and the refit assign mode may need), its row
in `build_manifest`, then the publish; a failure removes the work copy and leaves the lock free."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from customer_segmentation.publish.manifest import (
    MANIFEST_COLUMNS,
    PROJECT_DIR,
    _git_commit,
    _project_version,
    _version,
    ensure_manifest_table,
    raw_fingerprint,
)
from customer_segmentation.publish.work_copy import (
    BuildFailed,
    Paths,
    acquire_lock,
    prepare_work_copy,
    publish,
    release_lock,
    remove_work_copy,
)

BIN_DIR = Path(sys.executable).parent


def run_dbt(args: list[str], paths: Paths, dbt_vars: dict, step: str) -> dict:
    """One dbt command on the work copy; raises BuildFailed naming the step. Returns the
    counts of its run_results.json."""
    env = {**os.environ, "DUCKDB_PATH": str(paths.work)}
    command = [str(BIN_DIR / "dbt"), *args, "--vars", json.dumps(dbt_vars)]
    if subprocess.run(command, cwd=PROJECT_DIR, env=env).returncode != 0:
        raise BuildFailed(f"{step} failed")
    target = Path(env.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
    results = json.loads((target / "run_results.json").read_text())["results"]
    kinds = [r["unique_id"].split(".")[0] for r in results]
    return {
        "models": sum(kind == "model" for kind in kinds),
        "tests": sum(kind in ("test", "unit_test") for kind in kinds),
        "warnings": sum(r["status"] == "warn" for r in results),
    }


def is_stale(paths: Paths) -> bool:
    """segment_drift on the work copy (assign mode): does the stored model need a refit?"""
    done = subprocess.run(
        [sys.executable, "-m", "customer_segmentation.history.drift", "--db", str(paths.work)],
        cwd=PROJECT_DIR,
    )
    return done.returncode != 0


def record_build(paths: Paths, row: dict) -> None:
    """Append this build's row to main.build_manifest in the work copy (created, or given the
    columns a newer version added, as needed), then checkpoint so the file stands alone."""
    with duckdb.connect(str(paths.work)) as work:
        ensure_manifest_table(work)
        [(as_of_date,)] = work.execute(
            "select max(as_of_date) from main_intermediate.int_as_of_date"
        ).fetchall()
        values = {**row, "as_of_date": as_of_date}
        names = list(MANIFEST_COLUMNS)
        work.execute(
            f"insert into main.build_manifest ({', '.join(names)}) "
            f"values ({', '.join('?' for _ in names)})",
            [values.get(name) for name in names],
        )
        work.execute("checkpoint")


def build(db: Path, dbt_vars: dict) -> str:
    """Seed, build (and refit when assign mode finds the segments stale) on a work copy, then
    publish it; returns the build id. Raises BuildRefused or BuildFailed."""
    paths = Paths.for_database(db)
    raw_dir = Path(str(dbt_vars.get("raw_dir") or "data/demo"))
    raw_dir = raw_dir if raw_dir.is_absolute() else PROJECT_DIR / raw_dir
    lock = acquire_lock(paths, str(raw_dir))
    try:
        started_at = datetime.now(UTC).replace(tzinfo=None)
        carried = prepare_work_copy(paths)
        if carried:
            print(
                f"publish: building into {paths.work}, history carried over: {', '.join(carried)}"
            )
        run_dbt(["seed", "--full-refresh"], paths, dbt_vars, "dbt seed")
        counts = run_dbt(["build"], paths, dbt_vars, "dbt build")
        segment_mode = dbt_vars.get("segment_mode") or "fit"
        if segment_mode == "assign" and is_stale(paths):
            print("publish: the stored segments are stale (segment_drift): refitting")
            counts = run_dbt(["build"], paths, {**dbt_vars, "segment_mode": "fit"}, "refit")
            segment_mode = "fit (refit: assign found the segments stale)"
        fingerprint, files, size = raw_fingerprint(raw_dir)
        build_id = uuid.uuid4().hex[:12]
        record_build(
            paths,
            {
                "build_id": build_id,
                "raw_dir": str(raw_dir),
                "raw_format": dbt_vars.get("raw_format") or "canonical",
                "raw_fingerprint": fingerprint,
                "raw_file_count": files,
                "raw_byte_count": size,
                "segment_mode": segment_mode,
                "dbt_version": _version("dbt-core"),
                "dbt_duckdb_version": _version("dbt-duckdb"),
                "project_version": _project_version(),
                "git_commit": _git_commit(),
                "started_at": started_at,
                "published_at": datetime.now(UTC).replace(tzinfo=None),
                "model_count": counts["models"],
                "test_count": counts["tests"],
                "test_warning_count": counts["warnings"],
                "host_name": socket.gethostname(),
            },
        )
        seconds = publish(paths)
        print(f"publish: build {build_id} published to {paths.published} ({seconds:.3f} s)")
        return build_id
    except BaseException:
        remove_work_copy(paths)
        raise
    finally:
        release_lock(paths, lock)
