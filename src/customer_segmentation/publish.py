"""Write-audit-publish for the embedded warehouse: a build never leaves it half old, half new.

    python -m customer_segmentation.publish --db warehouse.duckdb --vars '{"raw_dir": ...}'

`make build` runs this (so does anyone who wants plain dbt's build made atomic). It

1. takes the build lock `<db>.lock` (O_EXCL); a second build on the same file stops at once,
   naming the running one (process, start time, raw folder); a lock whose process is gone
   (a build that was killed) is cleared, saying so;
2. makes a work copy `.building/<db name>` beside the published file (same name, so DuckDB's
   catalog and every view keep their names; same file system, so the rename below is atomic),
   carrying over what must survive rebuilds: the segment history tables and `build_manifest`;
3. runs `dbt seed --full-refresh` and `dbt build` on the work copy (in assign mode, and when
   `segment_drift` says the stored segments are stale, a refit `dbt build`), each of which
   must succeed with every error-severity test passing;
4. appends this build's row to `build_manifest` and replaces the published file with the
   work copy in one `os.replace`.

A failed, interrupted or killed build leaves the published file exactly as it was (it is
never opened for writing), says so in one line, and leaves nothing the next build trips over.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
# Built by earlier runs and read by later ones: a rebuild must not lose them.
CARRIED_TABLES = (
    "segmentation_runs",
    "segment_centroids",
    "customer_segment_history",
    "build_manifest",
)
WORK_FOLDER = ".building"
MANIFEST_COLUMNS = {
    "build_id": "varchar",
    "as_of_date": "date",
    "raw_dir": "varchar",
    "raw_format": "varchar",
    "raw_fingerprint": "varchar",
    "raw_file_count": "integer",
    "raw_byte_count": "bigint",
    "segment_mode": "varchar",
    "dbt_version": "varchar",
    "dbt_duckdb_version": "varchar",
    "project_version": "varchar",
    "git_commit": "varchar",
    "started_at": "timestamp",
    "published_at": "timestamp",
    "model_count": "integer",
    "test_count": "integer",
    "test_warning_count": "integer",
    "host_name": "varchar",
}


class BuildRefused(RuntimeError):
    """Another build holds the lock."""


class BuildFailed(RuntimeError):
    """A step failed; the message says which."""


@dataclass
class Paths:
    published: Path
    work: Path
    lock: Path

    @classmethod
    def for_database(cls, db: Path) -> Paths:
        db = db.resolve()
        return cls(db, db.parent / WORK_FOLDER / db.name, db.with_name(db.name + ".lock"))


@dataclass
class BuildLock:
    """The lock file's content: who is building, so a refused build can say so."""

    pid: int
    started_at: str
    raw_dir: str
    host: str = field(default_factory=socket.gethostname)

    def describe(self) -> str:
        return (
            f"process {self.pid} on {self.host}, started {self.started_at}, "
            f"raw folder {self.raw_dir}"
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire_lock(paths: Paths, raw_dir: str) -> BuildLock:
    """Take the lock or raise BuildRefused naming the running build; clear a dead one's."""
    lock = BuildLock(os.getpid(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"), raw_dir)
    paths.lock.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            descriptor = os.open(paths.lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                holder = BuildLock(**json.loads(paths.lock.read_text()))
            except (OSError, ValueError, TypeError):
                holder = None
            if holder is not None and holder.host == lock.host and not _alive(holder.pid):
                print(
                    f"publish: an earlier build ({holder.describe()}) did not finish; its lock "
                    "and work copy are cleared, the published warehouse was never touched"
                )
                paths.lock.unlink(missing_ok=True)
                continue
            who = holder.describe() if holder else f"unreadable lock file {paths.lock}"
            raise BuildRefused(
                f"another build is running on {paths.published} ({who}); wait for it, or "
                f"remove {paths.lock} if that build is gone"
            ) from None
        with os.fdopen(descriptor, "w") as handle:
            json.dump(lock.__dict__, handle)
        return lock
    raise BuildRefused(f"could not take the lock {paths.lock}")


def release_lock(paths: Paths, lock: BuildLock) -> None:
    try:
        if json.loads(paths.lock.read_text()).get("pid") == lock.pid:
            paths.lock.unlink()
    except (OSError, ValueError):
        pass


def remove_work_copy(paths: Paths) -> None:
    """The work copy and what DuckDB keeps beside it (write-ahead log, spill folder)."""
    folder = paths.work.parent
    if folder.exists():
        shutil.rmtree(folder)


def prepare_work_copy(paths: Paths) -> list[str]:
    """A fresh work file holding the published file's carried tables; returns their names."""
    remove_work_copy(paths)
    paths.work.parent.mkdir(parents=True)
    carried = []
    with duckdb.connect(str(paths.work)) as work:
        if paths.published.exists():
            carried = _carry_tables(work, paths.published)
        # Before dbt runs, so the view stg_warehouse__build_manifest reads the live table.
        ensure_manifest_table(work)
    return carried


def _carry_tables(work: duckdb.DuckDBPyConnection, published: Path) -> list[str]:
    """Copy CARRIED_TABLES from the published file into the work copy; returns their names."""
    carried = []
    work.execute(f"attach '{published}' as published (read_only)")
    present = {
        (schema, name)
        for schema, name in work.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'published'"
        ).fetchall()
    }
    for schema, name in sorted(present):
        if name in CARRIED_TABLES:
            work.execute(f'create schema if not exists "{schema}"')
            work.execute(
                f'create table "{schema}"."{name}" as select * from published."{schema}"."{name}"'
            )
            carried.append(f"{schema}.{name}")
    work.execute("detach published")
    return carried


def raw_fingerprint(raw_dir: Path) -> tuple[str, int, int]:
    """sha256 over every file's name and content, in name order: the same raw folder gives
    the same fingerprint wherever it lies. Returns (first 16 hex digits, files, bytes)."""
    digest = hashlib.sha256()
    files = (
        sorted(path for path in raw_dir.rglob("*") if path.is_file()) if raw_dir.is_dir() else []
    )
    total = 0
    for path in files:
        digest.update(str(path.relative_to(raw_dir)).encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                total += len(chunk)
    return digest.hexdigest()[:16], len(files), total


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
        [sys.executable, "-m", "customer_segmentation.drift", "--db", str(paths.work)],
        cwd=PROJECT_DIR,
    )
    return done.returncode != 0


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty", "--abbrev=7"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


def _project_version() -> str | None:
    for line in (PROJECT_DIR / "dbt_project.yml").read_text().splitlines():
        if line.startswith("version:"):
            return line.split(":", 1)[1].strip().strip("\"'")
    return None


def ensure_manifest_table(work: duckdb.DuckDBPyConnection) -> None:
    """main.build_manifest with every column of MANIFEST_COLUMNS: created, or given the columns
    a newer version added."""
    columns = ", ".join(f"{name} {kind}" for name, kind in MANIFEST_COLUMNS.items())
    work.execute(f"create table if not exists main.build_manifest ({columns})")
    present = {
        name
        for (name,) in work.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'main' and table_name = 'build_manifest'"
        ).fetchall()
    }
    for name, kind in MANIFEST_COLUMNS.items():
        if name not in present:
            work.execute(f"alter table main.build_manifest add column {name} {kind}")


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


def publish(paths: Paths) -> float:
    """Replace the published file with the work copy in one rename; returns its seconds."""
    start = time.perf_counter()
    wal = paths.work.with_name(paths.work.name + ".wal")
    if wal.exists():
        raise BuildFailed(f"the work copy still has a write-ahead log {wal}")
    os.replace(paths.work, paths.published)
    elapsed = time.perf_counter() - start
    remove_work_copy(paths)
    return elapsed


def latest_build(db: Path) -> str | None:
    """The published file's latest build in words ("<id> as of <date>, published <time>"),
    or None when it records none."""
    if not db.exists():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as connection:
            rows = connection.execute(
                "select build_id, as_of_date, published_at from main.build_manifest "
                "order by published_at desc limit 1"
            ).fetchall()
    except duckdb.Error:
        return None
    if not rows:
        return None
    build_id, as_of_date, published_at = rows[0]
    return f"{build_id} as of {as_of_date}, published {published_at:%Y-%m-%d %H:%M:%S} UTC"


def published_build(db: Path) -> str:
    """What a failed build leaves: the published warehouse, unchanged, in words."""
    if not db.exists():
        return f"nothing was published ({db} does not exist)"
    latest = latest_build(db)
    return f"{db} is as it was" + (f" (build {latest})" if latest else "")


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


def _interrupted(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.publish", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--db", type=Path, default=Path(os.environ.get("DUCKDB_PATH", "warehouse.duckdb"))
    )
    parser.add_argument("--vars", default="{}", help="dbt vars as JSON, as for dbt --vars")
    parser.add_argument(
        "--describe", action="store_true", help="print the published file's latest build, and stop"
    )
    args = parser.parse_args(argv)
    db = args.db.resolve()
    if args.describe:
        print(latest_build(db) or "none recorded")
        return 0
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        build(db, json.loads(args.vars))
    except BuildRefused as error:
        print(f"publish: refused: {error}", file=sys.stderr)
        return 3
    except BuildFailed as error:
        print(f"publish: {error}; {published_build(db)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as error:
        print(f"publish: interrupted ({error or 'SIGINT'}); {published_build(db)}", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
