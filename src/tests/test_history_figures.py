"""The stability-over-time figure: drawn from the table, the same bytes for the same table,
and a labelled panel instead of a failure when the history has one snapshot."""

from __future__ import annotations

import duckdb
import pandas as pd

from customer_segmentation.history.figures import main, stability_figure


def _warehouse(path, rows):
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table segment_stability_over_time (segmentation varchar,"
            " period_end_date date, kept_segment_share double, adjusted_rand_index double)"
        )
        connection.executemany("insert into segment_stability_over_time values (?, ?, ?, ?)", rows)
    return path


def test_figure_from_the_table_is_deterministic(tmp_path):
    db = _warehouse(
        tmp_path / "w.duckdb",
        [
            ("kmeans", "2011-10-01", 0.91, 0.80),
            ("kmeans", "2011-11-01", 0.88, 0.75),
            ("rfm", "2011-10-01", 0.55, 0.40),
            ("rfm", "2011-11-01", 0.60, 0.42),
        ],
    )
    assert main(["--db", str(db), "--out", str(tmp_path / "a")]) == 0
    assert main(["--db", str(db), "--out", str(tmp_path / "b")]) == 0
    first = (tmp_path / "a" / "segment_stability_over_time.png").read_bytes()
    assert len(first) > 10_000
    assert first == (tmp_path / "b" / "segment_stability_over_time.png").read_bytes()


def test_an_empty_history_gives_a_labelled_figure(tmp_path):
    empty = pd.DataFrame(
        columns=["segmentation", "period_end_date", "kept_segment_share", "adjusted_rand_index"]
    )
    path = stability_figure(empty, tmp_path / "empty.png")
    assert path.stat().st_size > 5_000


def test_missing_warehouse_is_exit_2(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err
