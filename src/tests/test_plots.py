"""Figures: every one written, non-empty, made from the current build (manifest fingerprint),
identical bytes for the same warehouse, and a labelled "no data" figure, never a crash, when
an input table or column is absent."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR

from customer_segmentation.plots import FIGURES, MANIFEST, FigureManifest, write_figures
from customer_segmentation.plots.__main__ import main as plots_main
from customer_segmentation.warehouse import Warehouse

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _expected_files(db_path: Path) -> set[str]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        rows = connection.execute("select segment_id from segment_profiles").fetchall()
    segment_ids = [segment_id for (segment_id,) in rows]
    files = set()
    for spec in FIGURES:
        ids = segment_ids if spec.per_segment else [None]
        files.update(spec.file_name(segment_id) for segment_id in ids)
    return files


# --- without dbt: a warehouse that has nothing -------------------------------------------


def test_an_empty_warehouse_gives_a_no_data_figure_for_everything(tmp_path):
    db_path = tmp_path / "empty.duckdb"
    duckdb.connect(str(db_path)).close()
    manifest = write_figures(db_path, tmp_path / "figures")
    assert [f.file for f in manifest.figures] == [
        spec.file_name() for spec in FIGURES if not spec.per_segment
    ]
    assert not any(f.has_data for f in manifest.figures)
    assert all("not in this warehouse" in f.no_data_reason for f in manifest.figures)
    assert (manifest.as_of_date, manifest.data_fingerprint) == (None, None)
    for figure in manifest.figures:
        assert (tmp_path / "figures" / figure.file).read_bytes().startswith(PNG_MAGIC)


def test_cli_names_a_missing_warehouse(tmp_path, capsys):
    assert plots_main(["--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path)]) == 2
    assert "nope.duckdb is missing" in capsys.readouterr().err


def test_every_figure_has_a_title_a_caption_and_a_known_section():
    from customer_segmentation.plots import SECTIONS

    names = [spec.name for spec in FIGURES]
    assert len(names) == len(set(names))
    for spec in FIGURES:
        assert spec.title and spec.caption.endswith("."), spec.name
        assert spec.section in SECTIONS, spec.name
        assert "\n" not in spec.caption, f"{spec.name}: a caption is one line"


def test_docs_show_figures_that_the_plots_command_writes():
    """The landing page's images are figures of the registry, in the folder dbt copies."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert "reports/figures" in project["asset-paths"]
    overview = (PROJECT_DIR / "models" / "overview.md").read_text()
    shown = re.findall(r"!\[[^\]]*\]\((reports/figures/[^)]+)\)", overview)
    assert shown, "the landing page shows no figure"
    files = {spec.file_name() for spec in FIGURES if not spec.per_segment}
    assert {Path(path).name for path in shown} <= files


# --- on the dirty demo build -------------------------------------------------------------

dbt = pytest.mark.usefixtures("dbt_available")


@dbt
def test_every_figure_exists_is_a_png_and_matches_the_build(demo_build, demo_outputs):
    manifest = FigureManifest.read(demo_outputs.figures_dir)
    assert {f.file for f in manifest.figures} == _expected_files(demo_build.db_path)
    [(as_of_date, fingerprint)] = demo_build.query(
        "select cast(as_of_date as varchar), data_fingerprint from segmentation_runs"
        " where as_of_date = (select max(as_of_date) from customer_segments)"
    )
    assert (manifest.as_of_date, manifest.data_fingerprint) == (as_of_date, fingerprint)
    with Warehouse(demo_build.db_path) as warehouse:
        assert manifest.matches(warehouse.identity())
    for figure in manifest.figures:
        data = (demo_outputs.figures_dir / figure.file).read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 5_000, figure.file
        assert hashlib.sha256(data).hexdigest() == figure.sha256, figure.file
        assert figure.caption and figure.title
    # Everything the demo has is drawn; one build is one snapshot, so nobody has moved yet.
    assert {f.file for f in manifest.figures if not f.has_data} == {
        "segment_migration_matrix.png",
    }


@dbt
def test_same_warehouse_gives_identical_figure_bytes(demo_build, demo_outputs, tmp_path):
    again = write_figures(demo_build.db_path, tmp_path / "again")
    first = FigureManifest.read(demo_outputs.figures_dir)
    assert again == first
    for figure in first.figures:
        assert (tmp_path / "again" / figure.file).read_bytes() == (
            demo_outputs.figures_dir / figure.file
        ).read_bytes()


@dbt
def test_rewriting_removes_figures_of_segments_that_are_gone(demo_build, tmp_path):
    figures_dir = tmp_path / "figures"
    figures_dir.mkdir()
    (figures_dir / MANIFEST).write_text('{"figures": [{"file": "segment_99_profile.png"}]}')
    (figures_dir / "segment_99_profile.png").write_bytes(b"old")
    (figures_dir / "notes.txt").write_text("not ours")
    write_figures(demo_build.db_path, figures_dir)
    assert not (figures_dir / "segment_99_profile.png").exists()
    assert (figures_dir / "notes.txt").exists()


@pytest.fixture()
def demo_copy(demo_build, tmp_path) -> Path:
    """A writable copy of the demo warehouse to take tables away from or add them to."""
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_build.db_path, db_path)
    return db_path


@dbt
def test_missing_inputs_give_labelled_no_data_figures(demo_copy, tmp_path):
    with duckdb.connect(str(demo_copy)) as connection:
        connection.execute("drop table segment_feature_profiles")
        connection.execute("alter table customer_engagement drop column web_session_count")
        connection.execute("delete from quarantine")
        connection.execute("alter table clv_model_evaluation drop column actual_purchases_mean")
    manifest = write_figures(demo_copy, tmp_path / "figures")
    reasons = {f.file: f.no_data_reason for f in manifest.figures}
    assert reasons["segment_profile_heatmap.png"] == (
        "table segment_feature_profiles is not in this warehouse"
    )
    assert reasons["segment_01_profile.png"] == reasons["segment_profile_heatmap.png"]
    assert reasons["eda_quarantine.png"] == "nothing was set aside: every raw row passed every rule"
    assert reasons["clv_predicted_vs_actual.png"] == (
        "clv_model_evaluation has no column(s) actual_purchases_mean"
    )
    # One absent engagement column is one empty panel, not an empty figure.
    assert reasons["eda_engagement_distributions.png"] is None
    assert reasons["segment_sizes.png"] is None


@dbt
def test_holdout_figure_shows_the_baseline_when_bg_nbd_made_no_predictions(demo_copy, tmp_path):
    # A BG/NBD fit that does not converge leaves only the baseline's rows in the mart.
    with duckdb.connect(str(demo_copy)) as connection:
        connection.execute("delete from clv_model_evaluation where model_name = 'bg_nbd'")
        connection.execute("delete from clv_spend_evaluation where model_name = 'bg_nbd'")
    manifest = write_figures(demo_copy, tmp_path / "figures")
    [figure] = [f for f in manifest.figures if f.file == "clv_predicted_vs_actual.png"]
    assert figure.no_data_reason is None
    assert (tmp_path / "figures" / "clv_predicted_vs_actual.png").stat().st_size > 0


@dbt
def test_history_figures_draw_once_the_history_tables_exist(demo_copy, tmp_path):
    """The history of one build has one snapshot, so no movement to draw: a second snapshot
    and its transitions are written into a copy, in the marts' shape."""
    with duckdb.connect(str(demo_copy)) as connection:
        connection.execute(
            "create or replace table customer_segment_history as"
            " select customer_id, as_of_date, segment_id, segment_name from customer_segments"
            " union all"
            " select customer_id, cast(as_of_date - interval 1 month as date),"
            " 1 + segment_id % 3, segment_name"
            " from customer_segments"
        )
        connection.execute(
            "create or replace table segment_transitions as"
            " select as_of_date as period_end_date, s.segment_id as from_segment_id,"
            " 1 + s.segment_id % 3 as to_segment_id, count(*) as customer_count"
            " from customer_segments as s group by all"
        )
        # An RFM-name row (no segment ids) must be left out of the K-means matrix.
        connection.execute(
            "insert into segment_transitions select max(as_of_date), null, null, 5"
            " from customer_segments"
        )
    manifest = write_figures(demo_copy, tmp_path / "figures")
    drawn = {f.file: f.has_data for f in manifest.figures}
    assert drawn["segment_sizes_over_time.png"]
    assert drawn["segment_migration_matrix.png"]
