"""A build that fails or is interrupted never leaves the warehouse half old, half new.

`python -m customer_segmentation.publish` (what `make build` runs) on one warehouse file:
a published build; then a build of other data killed at the segmentation fit, with a second
build refused by name while it runs; then a build whose error-severity test fails; after each
the published file still holds the first build's data (every mart's row count and a checksum
of customer_segments); then the next build succeeds, and build_manifest has one row per
published build.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES_DIR, PROJECT_DIR

from customer_segmentation.demo_data import generate
from customer_segmentation.publish.manifest import MANIFEST_COLUMNS

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

MARTS = (
    "customers",
    "customer_rfm",
    "customer_engagement",
    "customer_features",
    "customer_segments",
    "segment_profiles",
    "segment_validation",
    "segmentation_runs",
)


def _publish(db: Path, raw_dir: Path, work: Path, **extra_vars) -> subprocess.Popen:
    """Start a publish in its own process group, its dbt logs and output under `work` (a
    file, not a pipe: nobody reads a pipe while the build runs, and dbt would block on it)."""
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt_vars = json.dumps({"raw_dir": str(raw_dir), **extra_vars})
    output_path = work / "output.txt"
    with output_path.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "customer_segmentation.publish", "--db", str(db)]
            + ["--vars", dbt_vars],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.output_path = output_path
    return process


def _output(process: subprocess.Popen) -> str:
    return process.output_path.read_text()


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    process.wait(timeout=900)
    return process.returncode, _output(process)


def _state(db: Path) -> dict:
    """What an analyst would notice changing: row counts and the segments themselves."""
    with duckdb.connect(str(db), read_only=True) as connection:
        counts = {m: connection.execute(f"select count(*) from {m}").fetchone()[0] for m in MARTS}
        [(checksum,)] = connection.execute(
            "select md5(string_agg(customer_id || ':' || segment_id || ':' || segment_name, ','"
            " order by customer_id)) from customer_segments"
        ).fetchall()
    return {**counts, "customer_segments_md5": checksum}


def _manifest_rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(
            "select build_id, raw_dir from build_manifest order by published_at"
        ).fetchall()


@pytest.fixture(scope="module")
def other_raw(tmp_path_factory) -> Path:
    raw_dir = tmp_path_factory.mktemp("publish_other") / "raw"
    generate(raw_dir, 600, 4, progress=False)
    return raw_dir


def test_failed_killed_and_concurrent_builds_leave_the_published_warehouse_as_it_was(
    tmp_path, other_raw
):
    db = tmp_path / "published" / "warehouse.duckdb"
    minimal = FIXTURES_DIR / "minimal"

    code, output = _finish(_publish(db, minimal, tmp_path / "first"))
    assert code == 0, output
    assert "published to" in output
    before = _state(db)
    first_bytes = db.read_bytes()
    assert len(_manifest_rows(db)) == 1

    # A build of other data, killed when the fit starts; a second build meanwhile is refused.
    killed = _publish(db, other_raw, tmp_path / "killed")
    log = tmp_path / "killed" / "logs" / "dbt.log"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if log.exists() and "int_segmentation_fit" in log.read_text(errors="replace"):
            break
        assert killed.poll() is None, _output(killed)
        time.sleep(0.2)
    else:
        pytest.fail("the build never reached int_segmentation_fit")
    refused = subprocess.run(
        [sys.executable, "-m", "customer_segmentation.publish", "--db", str(db)]
        + ["--vars", json.dumps({"raw_dir": str(minimal)})],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 3
    message = refused.stderr
    assert f"process {killed.pid}" in message and str(other_raw) in message, message
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert _state(db) == before
    assert db.read_bytes() == first_bytes

    # A build whose error-severity test fails: not published, said in one line, nothing left.
    code, output = _finish(
        _publish(db, other_raw, tmp_path / "failing", publish_fault_injection=True)
    )
    assert code == 1
    assert "did not finish" in output  # the killed build's lock, cleared
    last = output.strip().splitlines()[-1]
    assert last.startswith("publish: dbt build failed;") and "is as it was (build" in last, last
    assert _state(db) == before
    assert db.read_bytes() == first_bytes
    assert not (db.parent / ".building").exists()

    # The next build publishes.
    code, output = _finish(_publish(db, other_raw, tmp_path / "next"))
    assert code == 0, output
    after = _state(db)
    assert after["customer_segments"] > before["customer_segments"]
    rows = _manifest_rows(db)
    assert [raw for _, raw in rows] == [str(minimal), str(other_raw)]
    # The staging view reads the live table, the row appended after dbt build included.
    with duckdb.connect(str(db), read_only=True) as connection:
        staged = connection.execute(
            "select build_id, raw_dir from main_staging.stg_warehouse__build_manifest "
            "order by published_at"
        ).fetchall()
    assert staged == rows
    assert not (db.parent / ".building").exists()
    assert not db.with_name(db.name + ".lock").exists()


def test_staging_view_of_an_unpublished_file_has_the_manifest_columns():
    """stg_warehouse__build_manifest spells the table's columns out for a file never published;
    they must stay the ones publish creates, in name and type."""
    sql = (PROJECT_DIR / "models/staging/warehouse/stg_warehouse__build_manifest.sql").read_text()
    empty_branch = dict(
        (name, kind) for kind, name in re.findall(r"cast\(null as (\w+)\) as (\w+)", sql)
    )
    assert empty_branch == MANIFEST_COLUMNS
