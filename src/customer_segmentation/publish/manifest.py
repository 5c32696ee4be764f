"""The build record: `build_manifest` (one row per published build), the raw folder's
fingerprint and the versions a row names, and the published file's latest build in words."""

from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[3]
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
