"""What stakeholders see, checked the way they see it: headless Chromium (the OS package,
driven by Playwright) opens the one-file docs site and the segment report from disk.

Screenshots go to reports/screenshots/ in the project for people to look at. With CI=true
the check must run: no Chromium or no Playwright there is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

SCREENSHOTS = PROJECT_DIR / "reports" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}
IN_CI = os.environ.get("CI", "").lower() == "true"


def _chromium() -> Path | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true and the browser check cannot run: {reason}")
    pytest.skip(f"{reason} (install it with: sudo apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed in this environment (make venv installs it)")
    executable = _chromium()
    if executable is None:
        _unavailable("no Chromium executable found (CHROMIUM, chromium on PATH, /usr/bin)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def docs_site(demo_build, demo_outputs) -> Path:
    """The demo build's `dbt docs generate --static` site with this build's figures where
    asset-paths puts them (target/reports/figures). dbt copied the project's own
    reports/figures there, which belong to whatever `make build` last made, so they are
    replaced by the figures of the warehouse the site describes."""
    site = demo_build.target_dir / "static_index.html"
    assert site.is_file(), "dbt docs generate --static wrote no static_index.html"
    assets = demo_build.target_dir / "reports" / "figures"
    shutil.rmtree(assets, ignore_errors=True)
    shutil.copytree(demo_outputs.figures_dir, assets)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return site


def _loaded_images(page, prefix: str) -> dict[str, int]:
    """src -> natural width of every <img> whose src starts with prefix (0 = broken)."""
    return page.evaluate(
        """prefix => Object.fromEntries(Array.from(document.images)
            .filter(i => (i.getAttribute('src') || '').startsWith(prefix))
            .map(i => [i.getAttribute('src'), i.complete ? i.naturalWidth : 0]))""",
        prefix,
    )


def _text(page, selector: str = "body") -> str:
    return " ".join(page.inner_text(selector).split())


def test_docs_landing_page_shows_the_figures(page, docs_site):
    page.goto(f"{docs_site.as_uri()}#!/overview")
    page.wait_for_selector("text=Segment vocabulary")
    page.wait_for_function(
        "Array.from(document.images).filter(i => (i.getAttribute('src') || '')"
        ".startsWith('reports/figures/')).every(i => i.complete)"
    )
    images = _loaded_images(page, "reports/figures/")
    assert len(images) >= 3, images
    assert all(width > 0 for width in images.values()), f"broken figure(s): {images}"
    page.screenshot(path=SCREENSHOTS / "docs_overview.png")
    page.locator("table", has_text="archetype").first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "docs_overview_vocabulary.png")


def test_customer_segments_page_shows_its_column_descriptions(page, docs_site, demo_build):
    manifest = json.loads((demo_build.target_dir / "manifest.json").read_text())
    model = manifest["nodes"]["model.customer_segmentation.customer_segments"]
    page.goto(f"{docs_site.as_uri()}#!/model/model.customer_segmentation.customer_segments")
    page.wait_for_selector("text=distance_to_centroid")
    table = page.locator("column-details")
    table.scroll_into_view_if_needed()
    assert model["columns"], "customer_segments declares no columns"
    for name, column in model["columns"].items():
        # The table truncates descriptions; a reader clicks the row to read it in full.
        row = table.locator("tr[ng-repeat-start]").filter(has=page.get_by_text(name, exact=True))
        row.click()
        detail = row.locator("xpath=following-sibling::tr[1]")
        detail.wait_for(state="visible")
        shown = re.sub(r"[`*]", "", " ".join(detail.inner_text().split()))
        # The first words, markdown marks dropped on both sides, rendered in full.
        words = " ".join(re.sub(r"[`*]", "", column["description"]).split()[:8])
        assert words in shown, f"{name}: description not shown ({shown[:200]!r})"
        row.click()  # fold it again, so the screenshot shows the table
    page.locator("#columns").scroll_into_view_if_needed()
    table.locator("tr[ng-repeat-start]").filter(
        has=page.get_by_text("segment_name", exact=True)
    ).click()
    page.screenshot(path=SCREENSHOTS / "docs_customer_segments_columns.png")


def test_lineage_graph_renders_up_to_the_exposures(page, docs_site):
    page.goto(f"{docs_site.as_uri()}#!/model/model.customer_segmentation.customer_segments")
    page.wait_for_selector("text=distance_to_centroid")
    page.click('a[title="View Lineage Graph"]')
    page.click('a[ng-click="showExpanded()"]')
    page.fill('input[ng-model="selectorService.selection.dirty.include"]', "customer_segments+")
    page.click("#submit-graph-selection")
    page.wait_for_function(
        "document.querySelectorAll('#cy canvas').length > 0"
        " && document.querySelector('#cy canvas').width > 0"
    )
    page.wait_for_timeout(1500)  # the layout animates into place
    nodes = page.evaluate(
        """() => angular.element(document.getElementById('graph-viz-wrapper')).scope()
            .graphService.graph.elements
            .filter(e => e.group === 'nodes' && !e.data.hidden)
            .map(e => e.data.name)"""
    )
    assert {"customer_segments", "segment_report", "marketing_activation"} <= set(nodes), nodes
    page.screenshot(path=SCREENSHOTS / "docs_lineage_graph.png")


def test_report_renders_every_segment_with_its_figure(page, demo_outputs, demo_build):
    page.goto(demo_outputs.html_path.as_uri())
    page.wait_for_selector("#kpis")
    page.screenshot(path=SCREENSHOTS / "report_top.png")
    images = _loaded_images(page, "data:image/png")
    assert images and all(width > 0 for width in images.values())
    segments = demo_build.query("select segment_id, segment_name from segment_profiles")
    for segment_id, name in segments:
        section = page.locator(f"#segment-{segment_id}")
        assert section.is_visible()
        assert name in _text(page, f"#segment-{segment_id} h3")
        figure = section.locator("figure img")
        assert figure.count() == 1
        assert figure.evaluate("img => img.complete && img.naturalWidth") > 0
        section.screenshot(path=SCREENSHOTS / f"report_segment_{segment_id:02d}.png")
    assert len(segments) >= 2
