"""Segments over time, from the history tables of the segment-tracking work. Until they
exist in a warehouse these figures are "no data" panels that name the missing table.

Inputs (the tracking issue's names):
- `customer_segment_history`: one row per customer per `as_of_date` with `segment_id` and
  `segment_name`;
- `segment_transitions`: K-means rows have `from_segment_id` and `to_segment_id` (RFM rows,
  which have none, are left out), `customer_count`, and the latest `period_end_date` is drawn
  when the table holds several periods.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from customer_segmentation.plots.style import new_figure, wrap
from customer_segmentation.warehouse import NoData, Warehouse

HISTORY = "customer_segment_history"
TRANSITIONS = "segment_transitions"
TRANSITION_COLUMNS = ["from_segment_id", "to_segment_id", "customer_count"]


def draw_sizes_over_time(warehouse: Warehouse, palette) -> Figure:
    frame = warehouse.query(
        f"select as_of_date, segment_id, count(*) as customers from {HISTORY} "
        "where segment_id is not null group by all order by as_of_date, segment_id",
        {HISTORY: ["customer_id", "as_of_date", "segment_id"]},
    )
    names = warehouse.query(
        f"select segment_id, arg_max(segment_name, as_of_date) as segment_name from {HISTORY} "
        "where segment_id is not null group by segment_id",
        {HISTORY: ["as_of_date", "segment_id", "segment_name"]},
    )
    latest_name = dict(zip(names.segment_id.astype(int), names.segment_name, strict=True))
    figure = new_figure(10, 4.8)
    axes = figure.add_subplot()
    for segment_id, rows in frame.groupby("segment_id", sort=True):
        segment_id = int(segment_id)
        axes.plot(
            rows.as_of_date,
            rows.customers,
            marker="o",
            color=palette.colour(segment_id),
            label=palette.names.get(segment_id) or latest_name.get(segment_id),
        )
    axes.set_xlabel("As-of date (month of the build)")
    axes.set_ylabel("Customers in the segment (count)")
    axes.legend(title="Segment", loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.autofmt_xdate()
    return figure


def draw_migration_matrix(warehouse: Warehouse, palette) -> Figure:
    columns = warehouse.columns(TRANSITIONS)
    # The latest period only: the table holds one matrix per pair of consecutive snapshots.
    date_column = next((c for c in ("period_end_date", "as_of_date") if c in columns), None)
    period = f" and {date_column} = (select max({date_column}) from {TRANSITIONS})"
    frame = warehouse.query(
        "select from_segment_id, to_segment_id, sum(customer_count) as customers "
        f"from {TRANSITIONS} where from_segment_id is not null and to_segment_id is not null"
        f"{period if date_column else ''} group by all",
        {TRANSITIONS: TRANSITION_COLUMNS},
    )
    matrix = frame.pivot_table(
        index="from_segment_id", columns="to_segment_id", values="customers", fill_value=0
    )
    ids = sorted(set(matrix.index.astype(int)) | set(matrix.columns.astype(int)))
    matrix = matrix.reindex(index=ids, columns=ids, fill_value=0)
    counts = matrix.to_numpy(dtype=float)
    row_totals = counts.sum(axis=1, keepdims=True)
    if not row_totals.any():
        raise NoData(f"{TRANSITIONS} has no customers moving between K-means segments")
    shares = np.divide(100 * counts, row_totals, out=np.zeros_like(counts), where=row_totals > 0)
    figure = new_figure(max(7.0, 1.1 * len(ids) + 3), max(5.0, 0.8 * len(ids) + 2.5))
    axes = figure.add_subplot()
    image = axes.imshow(shares, cmap="Greys", vmin=0, vmax=100)
    for (row, col), share in np.ndenumerate(shares):
        colour = "white" if share > 60 else "black"
        axes.text(
            col,
            row,
            f"{share:.0f}%\n{int(counts[row, col]):,}",
            ha="center",
            va="center",
            fontsize=8,
            color=colour,
        )
    labels = [wrap(palette.label(i), 14) for i in ids]
    axes.set_xticks(range(len(ids)), labels, rotation=30, ha="right", fontsize=8)
    axes.set_yticks(range(len(ids)), labels, fontsize=8)
    # Each segment's colour as a square beside its row and below its column.
    colours = [palette.colour(i) for i in ids]
    positions = np.arange(len(ids))
    edge = np.full(len(ids), -0.75)
    axes.scatter(edge, positions, marker="s", s=90, color=colours, clip_on=False)
    axes.scatter(
        positions, len(ids) - 0.25 + 0 * edge, marker="s", s=90, color=colours, clip_on=False
    )
    axes.set_xlim(-0.5, len(ids) - 0.5)
    axes.set_ylim(len(ids) - 0.5, -0.5)
    axes.set_xlabel("Segment at the end of the period")
    axes.set_ylabel("Segment at the start of the period")
    axes.grid(False)
    figure.colorbar(image, ax=axes, label="Share of the start segment's customers (%)")
    return figure
