"""The benchmark runner's own logic: what it measures and how it reports, on tiny inputs.

The benchmark itself (`make bench`) is never run here, and nothing here times anything."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from customer_segmentation.bench.results import (
    TABLE_END,
    TABLE_START,
    markdown,
    target_checks,
    update_docs_page,
)
from customer_segmentation.bench.steps import (
    SizeRun,
    Step,
    busy_wall_s,
    measure,
    status_of,
)


def test_measure_reports_the_peak_memory_of_the_child_process_not_of_the_runner(tmp_path):
    allocate = "buffer = bytearray(300 * 1024 * 1024); buffer[::4096] = b'x' * len(buffer[::4096])"
    measured = measure([sys.executable, "-c", allocate], log_path=tmp_path / "child.log")
    assert measured.returncode == 0
    assert measured.peak_rss_mb >= 300
    assert measured.wall_s > 0
    assert status_of(measured) == "ok"


def test_a_failing_step_is_recorded_with_its_exit_code_and_its_output_kept(tmp_path):
    log_path = tmp_path / "fails.log"
    measured = measure(
        [sys.executable, "-c", "import sys; print('the reason'); sys.exit(3)"], log_path=log_path
    )
    assert status_of(measured) == "failed (exit 3)"
    assert "the reason" in log_path.read_text()


def write_run_results(target_dir, nodes):
    """nodes: (unique_id, start second, end second) of each node's execute step."""
    day = "2026-12-06T02:00:"

    def timing(name, start, end):
        return {
            "name": name,
            "started_at": f"{day}{start:02d}Z",
            "completed_at": f"{day}{end:02d}Z",
        }

    results = [
        {
            "unique_id": node,
            "timing": [timing("compile", start, start), timing("execute", start, end)],
        }
        for node, start, end in nodes
    ]
    target_dir.mkdir(parents=True, exist_ok=True)
    (target_dir / "run_results.json").write_text(json.dumps({"results": results}))


def test_busy_wall_counts_overlapping_nodes_once_and_leaves_out_tests(tmp_path):
    model = "model.customer_segmentation."
    write_run_results(
        tmp_path,
        [
            ("seed.customer_segmentation.names", 0, 1),
            (f"{model}base_order_lines", 1, 10),
            (f"{model}base_web_sessions", 2, 6),  # within base_order_lines: counted once
            (f"{model}int_purchases", 8, 12),  # overlaps its end
            ("test.customer_segmentation.unique_int_purchases", 12, 30),
            (f"{model}customer_rfm", 15, 17),  # after a gap the tests filled
        ],
    )
    assert busy_wall_s(tmp_path) == 14.0  # 0-12 and 15-17
    assert busy_wall_s(tmp_path, kinds=("test",)) == 18.0
    assert busy_wall_s(tmp_path, kinds=("snapshot",)) is None


def step(name, customers, wall_s, peak=1000.0, status="ok"):
    return Step(
        name,
        customers,
        customers * 10,
        wall_s,
        peak,
        status=status,
        load_before=0.5,
        load_after=1.0,
    )


def runs_with(large_build_s=200.0, large_pandas_s=180.0, large_clustering_s=50.0):
    small = SizeRun(100_000, 1_000_000)
    small.steps = [
        step("plain_floor", 100_000, 2.0),
        step("floor_duckdb", 100_000, 5.0),
        step("pandas", 100_000, 20.0),
        step("dbt_build", 100_000, 20.0),
        step("dbt_rfm_engagement", 100_000, 6.0),
        step("clustering", 100_000, 10.0),
    ]
    large = SizeRun(1_000_000, 10_000_000)
    large.steps = [
        step("plain_floor", 1_000_000, 25.0),
        step("floor_duckdb", 1_000_000, 50.0),
        step("pandas", 1_000_000, large_pandas_s, peak=6000.0),
        step("dbt_build", 1_000_000, large_build_s, peak=3500.0),
        step("dbt_rfm_engagement", 1_000_000, 60.0, peak=3500.0),
        step("clustering", 1_000_000, large_clustering_s),
    ]
    return [small, large]


def verdicts(checks):
    return {check["target"].split(" (")[0]: check["met"] for check in checks}


def test_targets_are_judged_at_the_largest_size_against_the_plain_floor_of_that_size():
    checks = target_checks(runs_with())
    by_target = {check["target"]: check for check in checks}
    assert by_target["dbt_rfm_engagement / plain_floor"]["measured"] == 2.4
    assert by_target["dbt_build / plain_floor"]["measured"] == 8.0
    assert by_target["dbt_build peak RSS (MB)"]["measured"] == 3500.0
    assert by_target["plain_floor peak RSS (MB)"]["measured"] == 1000.0
    verdict = {target: check["met"] for target, check in by_target.items()}
    assert verdict.pop("dbt_rfm_engagement / plain_floor") is False  # 2.4 > 2
    assert all(verdict.values()), checks


def test_missed_targets_say_so():
    checks = verdicts(target_checks(runs_with(400.0, 100.0, 130.0)))
    assert checks["dbt_build / plain_floor"] is False
    assert checks["clustering wall"] is False
    # 10x the customers in 13x (clustering) and 20x (build) the time: both over 12x.
    assert checks["dbt_build time growth"] is False
    assert checks["clustering time growth"] is False


def test_a_step_that_did_not_finish_is_not_measured_rather_than_met():
    runs = runs_with()
    runs[1].steps[3] = step("dbt_build", 1_000_000, 100.0, status="killed by signal 9")
    checks = verdicts(target_checks(runs))
    assert checks["dbt_build / plain_floor"] is None


def test_markdown_table_has_one_row_per_step_and_the_machine(tmp_path):
    runs = runs_with()
    info = {
        "cores": 2,
        "ram_gib": 23.5,
        "platform": "Linux",
        "versions": {"duckdb": "2.0.1", "dbt-core": "1.11.16"},
    }
    table = markdown(runs, target_checks(runs), info, "2026-11-26")
    assert "2 cores, 23.5 GiB RAM" in table
    floor_row = "| floor_duckdb | 1,000,000 | 10,000,000 | 50.0 | 1,000 |  |  | ok | 0.5 -> 1.0 |"
    assert floor_row in table
    assert table.count("| dbt_build |") == 2
    page = tmp_path / "benchmarks.md"
    page.write_text(f"intro\n{TABLE_START}\nold table\n{TABLE_END}\nafter\n")
    update_docs_page(page, table)
    text = page.read_text()
    assert "old table" not in text and "| clustering | 100,000 |" in text
    assert text.startswith("intro\n") and text.endswith(f"{TABLE_END}\nafter\n")


def test_update_docs_page_refuses_a_page_without_the_markers(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text("no markers")
    with pytest.raises(SystemExit, match="bench:start"):
        update_docs_page(page, "table")


def test_node_rss_puts_each_sample_in_the_node_that_was_running(tmp_path):
    """bench/node_rss.py's attribution: a sample belongs to the node whose execute step
    spans it, and nodes are ranked by their highest sample."""
    spec = importlib.util.spec_from_file_location(
        "node_rss", Path(__file__).resolve().parents[2] / "bench" / "node_rss.py"
    )
    node_rss = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(node_rss)

    def execute(start: str, end: str) -> list[dict]:
        return [{"name": "execute", "started_at": start, "completed_at": end}]

    results = [
        {"unique_id": "model.a", "timing": execute("2026-01-01T00:00:00Z", "2026-01-01T00:00:10Z")},
        {"unique_id": "model.b", "timing": execute("2026-01-01T00:00:20Z", "2026-01-01T00:00:30Z")},
        {"unique_id": "test.skipped", "timing": []},
    ]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    at = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    samples = [(at + 5, 900.0), (at + 9, 1200.0), (at + 15, 5000.0), (at + 25, 2000.0)]
    # The 5,000 MB sample fell between the two nodes: it is nobody's.
    assert node_rss.node_peaks(tmp_path, samples) == [(2000.0, "model.b"), (1200.0, "model.a")]
