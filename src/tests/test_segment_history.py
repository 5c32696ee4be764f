"""Segments across runs in the warehouse: the history tables survive rebuilds and
`--full-refresh`, and the answer for a date does not depend on the order dates were built in;
tiny data builds and says why its results are limited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import DBT, PROJECT_DIR, Build, assert_succeeded, run_dbt

from customer_segmentation.demo_data import generate
from customer_segmentation.history.backfill import backfill

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]


def _build(
    raw_dir: Path, work_dir: Path, as_of_date: str = "", *flags: str, **extra_vars: str
) -> Build:
    paths = {
        "raw_dir": raw_dir,
        "db_path": work_dir / "warehouse.duckdb",
        "target_dir": work_dir / "target",
    }
    extra_vars = {"as_of_date": as_of_date, **extra_vars}
    result = run_dbt(["build", *flags], extra_vars=extra_vars, **paths)
    build = Build(result=result, **paths)
    assert_succeeded(build)
    return build


# The history tables, without the run metadata that differs between identical builds.
HISTORY = {
    "customer_segment_history": "",
    "segmentation_runs": "exclude (built_at, dbt_invocation_id)",
    "segment_centroids": "",
    "segment_transitions": "",
    "kpis_monthly": "",
}


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
    # A: in date order, with the backfill command; then again (it must be idempotent).
    a_dir = tmp_path / "a"
    a_dir.mkdir()
    dates = [dt.date.fromisoformat(earlier), dt.date.fromisoformat(latest)]
    settings = {
        "raw_dir": str(small_demo),
        "raw_format": "canonical",
        "db_path": a_dir / "warehouse.duckdb",
        "dbt": DBT,
        "project_dir": PROJECT_DIR,
        "progress": False,
    }
    backfill(dates, **settings)
    in_order = Build(small_demo, a_dir / "warehouse.duckdb", a_dir / "target", latest_build.result)
    first_pass = {
        table: in_order.query(f"select * {HISTORY[table]} from {table} order by all")
        for table in HISTORY
    }
    # Running a date again must change nothing. The latest date is re-run; re-running the
    # earlier one while a later run exists is what B's second build already does.
    backfill(dates[-1:], **settings)
    for table, columns in HISTORY.items():
        assert (
            in_order.query(f"select * {columns} from {table} order by all") == first_pass[table]
        ), f"{table} changed when the latest date's backfill ran again"

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
    assert rebuilt.query("select count(distinct period_end_date) from segment_transitions") == [
        (1,)
    ]
    # After a fit the published segments are new: the stale-model warning is for assign mode.
    assert rebuilt.query("select count(*) from segment_drift") == [(1,)]
    assert "segment_drift_model_is_not_stale" not in rebuilt.result.stdout

    # Assign mode on the same data puts every customer in the segment the fit gave, in SQL.
    fitted = _segments(in_order)
    assigned = _build(small_demo, a_dir, latest, segment_mode="assign")
    assert _segments(assigned) == fitted
    assert "PASS segment_drift_model_is_not_stale" in assigned.result.stdout


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


def test_assign_mode_without_a_stored_fit_stops_and_says_why(demo_build, tmp_path):
    """Assign mode for a date before every stored run has nothing to assign to: the build must
    fail with the reason, not write empty segments (an engine drops an unread error column, so
    the check is a filter; this caught that)."""
    import shutil

    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_build.db_path, db_path)
    # The day after the first order: history to segment (int_as_of_date stops on a date with
    # none), but before the demo build's own run, the only one stored.
    [(day_after_first_order,)] = demo_build.query(
        "select cast(cast(min(ordered_at) as date) + interval 1 day as date)::varchar"
        " from main_staging.stg_canonical__order_lines"
    )
    result = run_dbt(
        ["run", "--select", "int_as_of_date", "int_reference_centroids"]
        + ["int_centroid_assignment", "int_segment_assignment"],
        raw_dir=demo_build.raw_dir,
        db_path=db_path,
        target_dir=tmp_path / "target",
        extra_vars={"segment_mode": "assign", "as_of_date": day_after_first_order},
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert "segment_mode=assign needs a stored fit on or before as_of_date" in output
