"""Figures of the segments' mix (age and income bands, channels, categories) against all
customers, each segment always in its `segment_colour`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from customer_segmentation.plots.style import (
    SegmentPalette,
    category_ticks,
    new_figure,
)
from customer_segmentation.plots.tables import band_order
from customer_segmentation.warehouse import Warehouse

# The cluster map shows at most this many customers (a fixed sample, the same every run);
# Population share markers and segment bars.
MIX_DIMENSIONS = {
    "age_band": ("Age band (years)", "age_bands"),
    "income_band": ("Annual income band (reporting currency)", "income_bands"),
    "channel": ("Sales channel", None),
    "category": ("Product category", None),
}


def _mix(warehouse: Warehouse, dimension: str) -> pd.DataFrame:
    return warehouse.query(
        "select segment_id, mix_value, segment_share, population_share from segment_mix "
        "where mix_dimension = ? order by segment_id, mix_value",
        {
            "segment_mix": [
                "segment_id",
                "mix_dimension",
                "mix_value",
                "segment_share",
                "population_share",
            ]
        },
        [dimension],
    )


def _mix_panel(
    axes: Axes, warehouse: Warehouse, palette: SegmentPalette, dimension: str, ylabel: str
) -> list[int]:
    """Grouped bars: one bar per segment per value, the population's share as a black tick."""
    label, seed = MIX_DIMENSIONS[dimension]
    mix = _mix(warehouse, dimension)
    values = mix.mix_value.fillna("unknown").unique().tolist()
    order = band_order(warehouse, seed, dimension, values) if seed else sorted(values)
    ids = sorted(mix.segment_id.astype(int).unique())
    width = 0.8 / len(ids)
    x = np.arange(len(order))
    for k, segment_id in enumerate(ids):
        shares = (
            mix[mix.segment_id == segment_id].set_index("mix_value").segment_share.reindex(order)
        )
        axes.bar(
            x - 0.4 + width * (k + 0.5),
            100 * shares.fillna(0).to_numpy(),
            width,
            color=palette.colour(segment_id),
        )
    population = mix.groupby("mix_value").population_share.first().reindex(order)
    axes.scatter(x, 100 * population.fillna(0), marker="_", s=500, color="black", zorder=3)
    category_ticks(axes, order)
    axes.set_xlabel(label)
    axes.set_ylabel(ylabel)
    return ids


def _mix_figure(
    warehouse: Warehouse, palette: SegmentPalette, dimensions: tuple[str, str], ylabel: str
) -> Figure:
    figure = new_figure(13, 4.8)
    panels = figure.subplots(1, 2)
    ids: list[int] = []
    for axes, dimension in zip(panels, dimensions, strict=True):
        ids = _mix_panel(axes, warehouse, palette, dimension, ylabel)
    handles = [Patch(color=palette.colour(i), label=palette.label(i)) for i in ids]
    handles.append(
        panels[0].scatter([], [], marker="_", s=200, color="black", label="all scored customers")
    )
    figure.legend(handles=handles, loc="outside right center", title="Segment")
    return figure


def draw_demographics(warehouse: Warehouse, palette: SegmentPalette) -> Figure:
    return _mix_figure(
        warehouse, palette, ("age_band", "income_band"), "Share of segment members (%)"
    )


def draw_channel_category(warehouse: Warehouse, palette: SegmentPalette) -> Figure:
    return _mix_figure(
        warehouse, palette, ("channel", "category"), "Share of segment gross spend (%)"
    )
