"""The segment report: one self-contained HTML file and a Markdown twin, from the warehouse
and the figures of the same build, with every part the issue asks for."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import duckdb
import pytest

from customer_segmentation.plots import MANIFEST
from customer_segmentation.report import ReportError, render_report
from customer_segmentation.report.quality import validation_sentences

pytestmark = pytest.mark.usefixtures("dbt_available")


class _Collector(HTMLParser):
    """Image sources, section ids and the text of the report."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.sections: dict[str, dict[str, str]] = {}
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            self.images.append(attributes.get("src", ""))
        if tag == "section" and "id" in attributes:
            self.sections[attributes["id"]] = attributes
        for name in ("href", "src"):
            if tag in ("link", "script") and attributes.get(name):
                self.links.append(attributes[name])

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_validation_in_plain_words():
    sentences = validation_sentences(
        {
            "is_distinct": True,
            "is_stable": False,
            "is_targetable_size": True,
            "silhouette_score": 0.21,
            "max_key_feature_p_value": 0.0,
            "bootstrap_ari_mean": 0.6,
            "validation_notes": "unstable: mean bootstrap ARI 0.60 under 0.75",
        }
    )
    assert sentences[0].startswith("Distinct: yes.") and "p-value < 0.001" in sentences[0]
    assert sentences[1].startswith("Stable: no.") and "0.60" in sentences[1]
    assert sentences[-1] == "unstable: mean bootstrap ARI 0.60 under 0.75"


def test_html_report_is_self_contained_and_has_every_part(demo_build, demo_outputs):
    html = demo_outputs.html_path.read_text(encoding="utf-8")
    page = _parse(html)
    assert page.images and all(src.startswith("data:image/png;base64,") for src in page.images)
    assert page.links == [], "the report must not load anything from outside the file"
    text = " ".join(" ".join(page.text).split())
    [(as_of_date,)] = demo_build.query("select cast(max(as_of_date) as varchar) from customers")
    assert f"as of {as_of_date}" in text
    for section in ("kpis", "data", "method", "overview", "rfm", "predicted-value", "limitations"):
        assert section in page.sections, section
    [(k, reason)] = demo_build.query(
        "select k, selection_reason from cluster_k_selection where is_chosen"
    )
    assert f"{k} segments" in text and reason in text
    assert "Stable: yes." in text or "Stable: no." in text
    for (reason_code,) in demo_build.query("select distinct reason_code from quarantine"):
        assert reason_code in text
    segments = demo_build.query(
        "select p.segment_id, p.segment_name, r.kpi_to_watch, r.recommended_action"
        " from segment_profiles as p inner join segment_recommendations as r using (segment_id)"
    )
    figures = {entry.file: entry for entry in demo_outputs.manifest.figures}
    for segment_id, name, kpi, action in segments:
        section = page.sections[f"segment-{segment_id}"]
        assert section["data-segment-id"] == str(segment_id)
        block = html.split(f'id="segment-{segment_id}"', 1)[1].split("</section>", 1)[0]
        assert name in block and kpi in block and action in block
        assert "select customer_id from customer_features where" in block
        assert f'data-file="segment_{segment_id:02d}_profile.png"' in block
        assert f"segment_{segment_id:02d}_profile.png" in figures
    for gate in demo_build.query("select check_name from data_sufficiency"):
        assert gate[0] in text


def test_markdown_report_links_figures_that_exist(demo_outputs):
    markdown = demo_outputs.markdown_path.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(links) == len(demo_outputs.manifest.figures)
    for link in links:
        assert (demo_outputs.reports_dir / link).is_file(), link
    assert "## Limitations" in markdown and "| Segment | Customers |" in markdown


def test_predicted_value_is_compared_with_the_repeat_count_on_a_plain_date(demo_outputs):
    markdown = demo_outputs.markdown_path.read_text(encoding="utf-8")
    section = markdown.split("## Predicted value", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"refitted on the history before \d{4}-\d{2}-\d{2} and asked", section)
    assert "00:00:00" not in markdown
    assert "Against the simplest alternative, ranking customers by their past repeat" in section
    assert re.search(r"rank correlation with what they bought 0\.\d\d for the model, ", section)


def test_predicted_value_section_describes_the_published_model(demo_build, demo_outputs, tmp_path):
    # As if the learned model had won the selection (or BG/NBD could not be fitted): the
    # section scores what customer_predicted_value publishes, not BG/NBD.
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_build.db_path, db_path)
    with duckdb.connect(str(db_path)) as connection:
        connection.execute(
            "update clv_model_parameters set is_production_model ="
            " (model_name = 'gradient_boosting') where fit_purpose = 'production'"
        )
        [(error,)] = connection.execute(
            "select mean_absolute_error from clv_model_evaluation"
            " where model_name = 'gradient_boosting' and predicted_decile is null"
        ).fetchall()
    _, md_path = render_report(db_path, demo_outputs.figures_dir, tmp_path / "out")
    markdown = md_path.read_text(encoding="utf-8")
    section = markdown.split("## Predicted value", 1)[1].split("\n## ", 1)[0]
    assert "The purchase model (the learned model, gradient boosting) was refitted" in section
    assert f"mean absolute error {error:.2f} purchases per customer" in section
    assert "Spend (the learned model's spend) against" in section
    assert "the learned model (gradient boosting), chosen on a window" in section


def test_campaign_section_says_none_is_planned_when_the_seed_is_empty(demo_outputs):
    markdown = demo_outputs.markdown_path.read_text(encoding="utf-8")
    section = markdown.split("## Campaigns and their lift", 1)[1].split("\n## ", 1)[0]
    assert "No campaign is planned (the seed `campaign_plans` is empty)" in section


def test_same_warehouse_gives_the_same_report(demo_build, demo_outputs):
    before = demo_outputs.html_path.read_bytes(), demo_outputs.markdown_path.read_bytes()
    html_path, md_path = render_report(
        demo_build.db_path, demo_outputs.figures_dir, demo_outputs.reports_dir, "dirty demo"
    )
    assert (html_path.read_bytes(), md_path.read_bytes()) == before


def test_figures_of_another_build_are_refused(demo_build, demo_outputs, tmp_path):
    figures_dir = tmp_path / "figures"
    shutil.copytree(demo_outputs.figures_dir, figures_dir)
    manifest = json.loads((figures_dir / MANIFEST).read_text())
    manifest["data_fingerprint"] = "0000000000000000"
    (figures_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ReportError, match="run the plots again"):
        render_report(demo_build.db_path, figures_dir, tmp_path)


def test_report_without_recommendations_still_renders(demo_build, demo_outputs, tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_build.db_path, db_path)
    with duckdb.connect(str(db_path)) as connection:
        connection.execute("drop table segment_recommendations")
    html_path, _ = render_report(db_path, demo_outputs.figures_dir, tmp_path / "out")
    html = html_path.read_text(encoding="utf-8")
    assert "Not in this report: recommendations: table segment_recommendations" in html
    assert 'id="segment-1"' in html
