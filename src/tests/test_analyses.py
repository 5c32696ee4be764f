"""The EDA and audit SQL in analyses/ compiles with `dbt compile` and runs on a built
warehouse (analyses are never built by dbt, so nothing else would notice one breaking)."""

from __future__ import annotations

import duckdb
import pytest
from conftest import PROJECT_DIR, run_dbt

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

ANALYSES = sorted(path.stem for path in (PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(demo, demo_build):
    raw_dir, _ = demo
    result = run_dbt(
        ["compile", "--select", "resource_type:analysis"],
        raw_dir=raw_dir,
        db_path=demo_build.db_path,
        target_dir=demo_build.target_dir,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return demo_build.target_dir / "compiled" / "customer_segmentation" / "analyses"


def test_the_issue_s_analyses_are_there():
    assert {
        "feature_distribution_audit",
        "rfm_score_distribution",
        "rfm_segment_summary",
        "quarantine_summary_by_reason",
        "segment_comparison",
        "first_purchase_cohorts",
    } <= set(ANALYSES)


@pytest.mark.parametrize("analysis", ANALYSES)
def test_analysis_compiles_and_runs(compiled, demo_build, analysis):
    sql = (compiled / f"{analysis}.sql").read_text()
    assert "{{" not in sql and "ref(" not in sql
    with duckdb.connect(str(demo_build.db_path), read_only=True) as connection:
        rows = connection.execute(sql).fetchall()
    assert rows, f"{analysis} returned nothing on the demo"


def test_segment_comparison_and_cohorts_add_up(compiled, demo_build):
    with duckdb.connect(str(demo_build.db_path), read_only=True) as connection:
        comparison = connection.execute((compiled / "segment_comparison.sql").read_text()).df()
        cohorts = connection.execute((compiled / "first_purchase_cohorts.sql").read_text()).df()
        (scored,) = connection.execute("select count(*) from customer_segments").fetchone()
        (buyers,) = connection.execute("select count(*) from customer_rfm").fetchone()
    assert comparison.customer_count.sum() == scored
    assert round(comparison.customer_pct.sum()) == 100
    assert cohorts.cohort_customer_count.sum() == buyers
    # The youngest cohort has not had a full month yet: its shares are unknown, not zero.
    assert cohorts.active_month_1_pct.isna().iloc[-1]
