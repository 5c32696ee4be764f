"""Folders the contract allows that leave nothing to segment: the build completes, the marts are
empty rather than null, and one warning says why (found by a sweep over unseen folders)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES_DIR, assert_succeeded, build_warehouse

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

MINIMAL = FIXTURES_DIR / "minimal"


def _minimal_with_order_lines(raw_dir: Path, change: Callable[[dict], dict]) -> Path:
    """A copy of the minimal folder with `change` applied to each order line."""
    shutil.copytree(MINIMAL, raw_dir, ignore=shutil.ignore_patterns("README.md"))
    path = raw_dir / "order_lines.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [change(row) for row in csv.DictReader(handle)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return raw_dir


def test_only_guest_order_lines_build_with_empty_segments_and_say_why(tmp_path):
    raw_dir = _minimal_with_order_lines(tmp_path / "raw", lambda row: {**row, "customer_id": ""})
    build = build_warehouse(raw_dir, tmp_path / "build")
    assert_succeeded(build)
    assert "WARN 1 assert_some_order_line_is_a_purchase_by_a_known_customer" in build.result.stdout
    assert build.query("select count(*) from customer_segments") == [(0,)]
    # Over no segment, the overall row's count and size check were null: three not_null tests
    # and the history test failed without saying why.
    assert build.query(
        "select validation_scope, customer_count, is_targetable_size, passes_validation"
        " from segment_validation"
    ) == [("overall", 0, False, False)]
