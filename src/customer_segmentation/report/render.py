"""Render the segment report, HTML (self-contained: figures embedded as base64 PNG) and
Markdown (figures linked beside it), from the warehouse and the figures made from it.

The figures must come from the same build: their manifest's `as_of_date`, `data_fingerprint`
and published `build_id` must equal the warehouse's, otherwise the report refuses to mix them.
"""

from __future__ import annotations

import base64
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from customer_segmentation.plots import MANIFEST, FigureManifest
from customer_segmentation.report.context import build_context
from customer_segmentation.warehouse import Warehouse, WarehouseError

HTML_TEMPLATE = "segment_report.html.j2"
MARKDOWN_TEMPLATE = "segment_report.md.j2"
HTML_FILE = "segment_report.html"
MARKDOWN_FILE = "segment_report.md"


class ReportError(WarehouseError):
    """The figures are missing or belong to another build."""


def _pct(value: Any, digits: int = 0) -> str:
    return "n/a" if value is None else f"{100 * float(value):.{digits}f}%"


def _num(value: Any, digits: int = 0) -> str:
    return "n/a" if value is None else f"{float(value):,.{digits}f}"


def _md_cell(value: Any) -> str:
    return str("" if value is None else value).replace("|", "\\|").replace("\n", " ")


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("customer_segmentation.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=_pct, num=_num, md_cell=_md_cell)
    return env


def load_figures(figures_dir: Path, warehouse: Warehouse) -> FigureManifest:
    if not (figures_dir / MANIFEST).is_file():
        raise ReportError(
            f"{figures_dir / MANIFEST} is missing: run "
            f"`python -m customer_segmentation.plots --out {figures_dir}` first"
        )
    manifest = FigureManifest.read(figures_dir)
    identity = warehouse.identity()
    if not manifest.matches(identity):
        raise ReportError(
            f"the figures in {figures_dir} were made from the build as of {manifest.as_of_date} "
            f"(fingerprint {manifest.data_fingerprint}, build {manifest.build_id}), but "
            f"{warehouse.db_path} is as of {identity.as_of_date} (fingerprint "
            f"{identity.data_fingerprint}, build {identity.build_id}): run the plots again"
        )
    absent = [f.file for f in manifest.figures if not (figures_dir / f.file).is_file()]
    if absent:
        raise ReportError(f"{figures_dir} lacks figure(s) its manifest lists: {absent}")
    return manifest


def render_report(
    db_path: Path | str, figures_dir: Path | str, out_dir: Path | str, dataset: str = ""
) -> tuple[Path, Path]:
    figures_dir, out_dir = Path(figures_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    link_dir = Path(os.path.relpath(figures_dir.resolve(), out_dir.resolve())).as_posix()
    with Warehouse(db_path) as warehouse:
        manifest = load_figures(figures_dir, warehouse)
        figures = {}
        for figure in manifest.figures:
            data = base64.b64encode((figures_dir / figure.file).read_bytes()).decode("ascii")
            figures[figure.file] = {
                **asdict(figure),
                "data_uri": f"data:image/png;base64,{data}",
                "link": f"{link_dir}/{figure.file}",
            }
        context = build_context(warehouse, manifest, figures, dataset or str(db_path))
    env = environment()
    html_path, md_path = out_dir / HTML_FILE, out_dir / MARKDOWN_FILE
    html_path.write_text(env.get_template(HTML_TEMPLATE).render(**context), encoding="utf-8")
    md_path.write_text(env.get_template(MARKDOWN_TEMPLATE).render(**context), encoding="utf-8")
    return html_path, md_path
