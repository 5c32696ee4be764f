"""The build lock and the work copy: a build takes `<db>.lock`, builds into `.building/<db name>`
carrying over the tables later runs read, and publishes it over the published file in one
rename."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from customer_segmentation.publish.manifest import ensure_manifest_table

# Built by earlier runs and read by later ones: a rebuild must not lose them.
CARRIED_TABLES = (
    "segmentation_runs",
    "segment_centroids",
    "customer_segment_history",
    "build_manifest",
)
WORK_FOLDER = ".building"


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
