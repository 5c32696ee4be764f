"""Draw every figure of the registry from one warehouse and write the manifest.

The manifest (`manifest.json` beside the PNGs) lists each file with its section, title,
caption, whether it had data, and its SHA-256, under the build's `as_of_date` and the
segmentation run's `data_fingerprint`, so the report, the docs and the tests can check that
the figures were made from the warehouse they sit beside.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib

from customer_segmentation.plots.registry import FIGURES, FigureSpec
from customer_segmentation.plots.style import STYLE, SegmentPalette, no_data_figure, save_png
from customer_segmentation.warehouse import BuildIdentity, NoData, Warehouse

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class WrittenFigure:
    file: str
    section: str
    title: str
    caption: str
    segment_id: int | None
    has_data: bool
    no_data_reason: str | None
    sha256: str


@dataclass(frozen=True)
class FigureManifest:
    as_of_date: str | None
    data_fingerprint: str | None
    scored_customer_count: int | None
    figures: list[WrittenFigure]
    build_id: str | None = None  # the published build drawn (None: built with plain dbt)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, figures_dir: Path | str) -> FigureManifest:
        data = json.loads((Path(figures_dir) / MANIFEST).read_text(encoding="utf-8"))
        figures = [WrittenFigure(**entry) for entry in data.pop("figures")]
        return cls(figures=figures, **data)

    def matches(self, identity: BuildIdentity) -> bool:
        return (self.as_of_date, self.data_fingerprint, self.build_id) == (
            identity.as_of_date,
            identity.data_fingerprint,
            identity.build_id,
        )


def _draw_one(
    spec: FigureSpec,
    warehouse: Warehouse,
    palette: SegmentPalette,
    path: Path,
    segment_id: int | None = None,
) -> WrittenFigure:
    segment_name = palette.label(segment_id) if segment_id is not None else None
    title = spec.format(spec.title, segment_id, segment_name)
    reason = None
    with matplotlib.rc_context(STYLE):
        try:
            args = (warehouse, palette) + ((segment_id,) if spec.per_segment else ())
            figure = spec.draw(*args)
            figure.suptitle(title, fontsize=12, fontweight="bold")
        except NoData as missing:
            reason = str(missing)
            figure = no_data_figure(title, reason)
        save_png(figure, path)
    return WrittenFigure(
        file=path.name,
        section=spec.section,
        title=title,
        caption=spec.format(spec.caption, segment_id, segment_name),
        segment_id=segment_id,
        has_data=reason is None,
        no_data_reason=reason,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _remove_previous(out_dir: Path) -> None:
    """Delete the files the previous manifest listed, so a segment that no longer exists
    leaves no figure behind; other files in the folder are not touched."""
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        return
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8")).get("figures", [])
    except (json.JSONDecodeError, AttributeError):
        previous = []
    for entry in previous:
        name = Path(str(entry.get("file", ""))).name
        if name.endswith(".png"):
            (out_dir / name).unlink(missing_ok=True)
    manifest.unlink()


def write_figures(db_path: Path | str, out_dir: Path | str) -> FigureManifest:
    out_dir = Path(out_dir)
    with Warehouse(db_path) as warehouse:
        identity = warehouse.identity()
        palette = SegmentPalette.from_warehouse(warehouse)
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_previous(out_dir)
        written = []
        for spec in FIGURES:
            if not spec.per_segment:
                written.append(_draw_one(spec, warehouse, palette, out_dir / spec.file_name()))
                continue
            for segment_id in palette.segment_ids:
                path = out_dir / spec.file_name(segment_id)
                written.append(_draw_one(spec, warehouse, palette, path, segment_id))
    manifest = FigureManifest(
        as_of_date=identity.as_of_date,
        data_fingerprint=identity.data_fingerprint,
        scored_customer_count=identity.scored_customer_count,
        figures=written,
        build_id=identity.build_id,
    )
    (out_dir / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest
