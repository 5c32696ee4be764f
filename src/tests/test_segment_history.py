"""Segments across runs in the warehouse: the history tables survive rebuilds and
`--full-refresh`, and the answer for a date does not depend on the order dates were built in;
tiny data builds and says why its results are limited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import Build, assert_succeeded, run_dbt

from customer_segmentation.demo_data import generate

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]


def _build(raw_dir: Path, work_dir: Path, as_of_date: str = "", *flags: str) -> Build:
    paths = {
        "raw_dir": raw_dir,
        "db_path": work_dir / "warehouse.duckdb",
        "target_dir": work_dir / "target",
    }
    result = run_dbt(["build", *flags], extra_vars={"as_of_date": as_of_date}, **paths)
    build = Build(result=result, **paths)
    assert_succeeded(build)
    return build


def _segments(build: Build) -> list[tuple]:
    return build.query(
        "select customer_id, segment_id, segment_name from customer_segments order by all"
    )


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    raw_dir = tmp_path_factory.mktemp("history") / "raw"
    generate(raw_dir, 800, 5, progress=False)
    return raw_dir


def test_a_date_gives_the_same_segments_whatever_order_dates_were_built_in(small_demo, tmp_path):
    # B: the latest date first, then an earlier one, then the latest again with --full-refresh.
    b_dir = tmp_path / "b"
    latest_build = _build(small_demo, b_dir)
    [(latest,)] = latest_build.query("select cast(as_of_date as varchar) from segmentation_runs")
    earlier = str(dt.date.fromisoformat(latest) - dt.timedelta(days=61))
    _build(small_demo, b_dir, earlier)
    rebuilt = _build(small_demo, b_dir, latest, "--full-refresh")
    # A: in date order.
    a_dir = tmp_path / "a"
    _build(small_demo, a_dir, earlier)
    in_order = _build(small_demo, a_dir, latest)

    assert _segments(rebuilt) == _segments(in_order)
    runs = "select cast(as_of_date as varchar), cast(previous_as_of_date as varchar) from segmentation_runs order by 1"  # noqa: E501
    # One row per date (the rebuild replaced its date), the earlier run kept by --full-refresh,
    # and the latest date matched to the earlier one in both orders.
    assert rebuilt.query(runs) == in_order.query(runs) == [(earlier, None), (latest, earlier)]
    assert rebuilt.query("select count(distinct as_of_date) from segment_centroids") == [(2,)]
    matched = rebuilt.query(
        "select matched_segment_count, k from segmentation_runs"
        " where previous_as_of_date is not null"
    )
    [(matched_count, k)] = matched
    assert matched_count >= 1 and matched_count <= k


def test_ten_customers_build_and_say_why_results_are_limited(tmp_path):
    raw_dir = tmp_path / "raw"
    generate(raw_dir, 10, 3, progress=False)
    build = _build(raw_dir, tmp_path / "build")
    checks = dict(build.query("select check_name, result from data_sufficiency"))
    assert checks["scored_customers"].startswith("limited: ")
    assert "under the minimum of 500" in checks["scored_customers"]
    assert build.query(
        "select count(*) from data_sufficiency where check_name = 'scored_customers'"
        " and what_it_means like '%customer_rfm%'"
    ) == [(1,)]
    assert "WARN" in build.result.stdout and "data_sufficiency" in build.result.stdout
    assert build.query("select count(*) from segment_recommendations") != [(0,)]
    [(scored,)] = build.query("select count(*) from customer_rfm")
    assert build.query("select count(*) from customer_segments") == [(scored,)]
