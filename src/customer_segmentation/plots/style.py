"""One look for every figure: fixed style, the segment colours from the warehouse, the
"no data" panel, and a PNG writer whose bytes depend only on what was drawn.

Figures are `matplotlib.figure.Figure` objects drawn with the Agg canvas and no pyplot, so
nothing global is left behind between figures and no display is ever needed.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from customer_segmentation.warehouse import NoData, Warehouse  # noqa: E402

# Fixed style: the same fonts (DejaVu ships with matplotlib), sizes and resolution everywhere,
# whatever the user's matplotlibrc says.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "customer-segmentation",
}
DPI = 100
NEUTRAL = "#4C6A8A"  # bars that are not segments (RFM names, demographics)
POPULATION = "#6E6E6E"  # "all scored customers" beside a segment
NO_DATA_GREY = "#9A9A9A"
UNKNOWN_COLOUR = "#BBBBBB"
# Metadata written into every PNG: no matplotlib version, no date, so the bytes are a function
# of the drawing only.
PNG_METADATA = {"Software": None}


def new_figure(width: float = 8.0, height: float = 4.5) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def wrap(label: object, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def category_ticks(axes, labels: list, rotate_over: int = 6) -> None:
    """Category labels under bars at 0..n-1, turned 30 degrees when they would collide
    (more than `rotate_over` labels, or any label longer than 8 characters)."""
    labels = [str(label) for label in labels]
    crowded = len(labels) > rotate_over or any(len(label) > 8 for label in labels)
    axes.set_xticks(
        range(len(labels)),
        labels,
        rotation=30 if crowded else 0,
        ha="right" if crowded else "center",
        rotation_mode="anchor",
        fontsize=8,
    )


def no_data_figure(title: str, reason: str) -> Figure:
    """A labelled empty panel: the figure's title, "No data", and why."""
    figure = new_figure(8.0, 3.0)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.62, "No data", ha="center", va="center", fontsize=20, color=NO_DATA_GREY)
    axes.text(
        0.5, 0.32, wrap(reason, 90), ha="center", va="center", fontsize=10, color=NO_DATA_GREY
    )
    figure.suptitle(title, fontsize=12, fontweight="bold")
    return figure


def save_png(figure: Figure, path: Path) -> None:
    figure.savefig(path, format="png", dpi=DPI, metadata=PNG_METADATA)


@dataclass
class SegmentPalette:
    """segment_id -> colour and name. Colours come from `segment_profiles.segment_colour`;
    a segment no longer in the profiles (in the history) gets the `segment_colours` seed by
    the rule the mart uses, `(segment_id - 1) % palette size + 1`."""

    colours: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    palette: list[str] = field(default_factory=list)

    @classmethod
    def from_warehouse(cls, warehouse: Warehouse) -> SegmentPalette:
        result = cls()
        try:
            seed = warehouse.table(
                "segment_colours", ["palette_position", "colour_hex"], "palette_position"
            )
            result.palette = list(seed.colour_hex)
        except NoData:
            pass
        try:
            profiles = warehouse.table(
                "segment_profiles", ["segment_id", "segment_name", "segment_colour"], "segment_id"
            )
        except NoData:
            return result
        for row in profiles.itertuples(index=False):
            result.colours[int(row.segment_id)] = str(row.segment_colour)
            result.names[int(row.segment_id)] = str(row.segment_name)
        return result

    def colour(self, segment_id: int) -> str:
        if segment_id in self.colours:
            return self.colours[segment_id]
        if self.palette:
            return self.palette[(int(segment_id) - 1) % len(self.palette)]
        return UNKNOWN_COLOUR

    @property
    def segment_ids(self) -> list[int]:
        return sorted(self.names)

    def label(self, segment_id: int) -> str:
        return self.names.get(segment_id, f"Segment {segment_id}")
