"""Segment stability over time as a figure, from `segment_stability_over_time`: the share of
customers keeping their segment between consecutive snapshots, and the adjusted Rand index
between the two assignments, for the K-means segments and the RFM segments.

`python -m customer_segmentation.history.figures --db warehouse.duckdb --out reports/figures`
(run by `make backfill`). With fewer than two snapshots the figure says so instead of failing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import pandas as pd  # noqa: E402

FILE_NAME = "segment_stability_over_time.png"
SERIES = {"kmeans": ("K-means segments", "#0072B2"), "rfm": ("RFM segments", "#E69F00")}
# Fixed metadata, so the same table gives the same bytes.
PNG_METADATA = {"Software": None}


def read_stability(db_path: Path) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(
            "select segmentation, period_end_date, kept_segment_share, adjusted_rand_index"
            " from segment_stability_over_time order by segmentation, period_end_date"
        ).df()


def stability_figure(stability: pd.DataFrame, out_path: Path) -> Path:
    """Two panels sharing the time axis: share kept (0-1) and ARI (0-1), one line per
    segmentation."""
    figure, (kept_axis, ari_axis) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    figure.suptitle("Segment stability between consecutive snapshots")
    if stability.empty:
        for axis in (kept_axis, ari_axis):
            axis.text(0.5, 0.5, "no data: fewer than two snapshots in the history", ha="center",
                      va="center", transform=axis.transAxes)  # fmt: skip
            axis.set_yticks([])
    for kind, rows in stability.groupby("segmentation", sort=True):
        label, colour = SERIES.get(kind, (kind, "#999999"))
        dates = pd.to_datetime(rows["period_end_date"])
        kept_axis.plot(dates, rows["kept_segment_share"], marker="o", color=colour, label=label)
        ari_axis.plot(dates, rows["adjusted_rand_index"], marker="o", color=colour, label=label)
    kept_axis.set_ylabel("customers keeping\ntheir segment (share)")
    ari_axis.set_ylabel("adjusted Rand index\n(1 = same partition)")
    ari_axis.set_xlabel("snapshot date (end of period)")
    for axis in (kept_axis, ari_axis):
        axis.set_ylim(0, 1.05)
        axis.grid(alpha=0.3)
    if not stability.empty:
        kept_axis.legend(loc="lower right")
        # Ticks at the snapshots only: a day-by-day axis hides that the points are months apart.
        snapshots = sorted(pd.to_datetime(stability["period_end_date"]).unique())
        ari_axis.set_xticks(snapshots, [f"{date:%Y-%m-%d}" for date in snapshots])
    figure.autofmt_xdate()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out_path, dpi=110, metadata=PNG_METADATA)
    plt.close(figure)
    return out_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="warehouse.duckdb", type=Path)
    parser.add_argument("--out", default="reports/figures", type=Path)
    args = parser.parse_args(argv)
    try:
        stability = read_stability(args.db)
    except (duckdb.Error, OSError) as error:
        print(f"history_figures: cannot read {args.db}: {error}", file=sys.stderr)
        return 2
    path = stability_figure(stability, args.out / FILE_NAME)
    print(f"{path}: {len(stability)} period(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
