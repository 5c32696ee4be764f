"""Figures of the K-means segments, each segment always in its `segment_colour`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from sklearn.decomposition import PCA

from customer_segmentation.plots.mix import MIX_DIMENSIONS, _mix
from customer_segmentation.plots.style import (
    POPULATION,
    SegmentPalette,
    category_ticks,
    new_figure,
    wrap,
)
from customer_segmentation.plots.tables import band_order, standardised_features
from customer_segmentation.warehouse import NoData, Warehouse

# The cluster map shows at most this many customers (a fixed sample, the same every run);
# centroids are projected from `segment_centroids`, so they are exact whatever the sample.
CLUSTER_MAP_SAMPLE = 4000
CLUSTER_MAP_SEED = 0
# Features shown per segment in its own profile figure (largest |z-score| first).
SEGMENT_PROFILE_FEATURES = 8

PROFILE_COLUMNS = [
    "segment_id",
    "segment_name",
    "customer_count",
    "customer_share",
    "revenue_share",
]


def _profiles(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.table("segment_profiles", PROFILE_COLUMNS, "segment_id")


def _segment_legend(axes: Axes, palette: SegmentPalette, ids, **kwargs) -> None:
    handles = [Patch(color=palette.colour(i), label=palette.label(i)) for i in ids]
    axes.legend(handles=handles, title="Segment", **kwargs)


def draw_sizes(warehouse: Warehouse, palette: SegmentPalette) -> Figure:
    profiles = _profiles(warehouse)
    figure = new_figure(9, 4.5)
    axes = figure.add_subplot()
    ids = profiles.segment_id.astype(int).tolist()
    labels = [wrap(palette.label(i), 14) for i in ids]
    bars = axes.bar(labels, profiles.customer_count, color=[palette.colour(i) for i in ids])
    axes.bar_label(
        bars,
        [
            f"{n:,} ({100 * s:.0f}%)"
            for n, s in zip(profiles.customer_count, profiles.customer_share, strict=True)
        ],
        fontsize=9,
    )
    axes.set_xlabel("Segment")
    axes.set_ylabel("Customers (count)")
    axes.margins(y=0.12)
    return figure


def draw_revenue_share(warehouse: Warehouse, palette: SegmentPalette) -> Figure:
    profiles = _profiles(warehouse)
    ids = profiles.segment_id.astype(int).tolist()
    colours = [palette.colour(i) for i in ids]
    x = np.arange(len(ids))
    figure = new_figure(9, 4.5)
    axes = figure.add_subplot()
    customers = axes.bar(
        x - 0.2, 100 * profiles.customer_share, 0.4, color=colours, alpha=0.45, hatch="//"
    )
    revenue = axes.bar(x + 0.2, 100 * profiles.revenue_share.fillna(0), 0.4, color=colours)
    axes.bar_label(customers, [f"{100 * s:.0f}%" for s in profiles.customer_share], fontsize=8)
    axes.bar_label(
        revenue, [f"{100 * s:.0f}%" for s in profiles.revenue_share.fillna(0)], fontsize=8
    )
    axes.set_xticks(x, [wrap(palette.label(i), 14) for i in ids])
    axes.set_xlabel("Segment")
    axes.set_ylabel("Share (% of scored customers / of net revenue)")
    axes.legend(
        handles=[
            Patch(facecolor="#BBBBBB", alpha=0.45, hatch="//", label="share of customers"),
            Patch(facecolor="#555555", label="share of net revenue"),
        ],
        loc="upper right",
    )
    axes.margins(y=0.12)
    return figure


def _centroids(warehouse: Warehouse, features: list[str], members: pd.DataFrame) -> pd.DataFrame:
    """Centroid z-scores per segment of the build's date; the members' mean when the history
    table lacks them."""
    as_of_date = warehouse.identity().as_of_date
    try:
        long = warehouse.query(
            "select segment_id, feature_name, centroid_z_score from segment_centroids "
            "where as_of_date = cast(? as date)",
            {"segment_centroids": ["as_of_date", "segment_id", "feature_name", "centroid_z_score"]},
            [as_of_date],
        )
        wide = long.pivot_table(
            index="segment_id", columns="feature_name", values="centroid_z_score"
        )
        if set(features) <= set(wide.columns):
            return wide[features]
    except NoData:
        pass
    return members.groupby("segment_id")[features].mean()


def draw_cluster_map(warehouse: Warehouse, palette: SegmentPalette) -> Figure:
    """PCA of the standardised features (the fit's own transform), fitted on every scored
    customer, drawn for a fixed sample; centroids marked with a cross."""
    frame, features = standardised_features(warehouse)
    matrix = frame[features].to_numpy()
    pca = PCA(n_components=2, svd_solver="full").fit(matrix)
    rng = np.random.default_rng(CLUSTER_MAP_SEED)
    rows = np.arange(len(frame))
    if len(rows) > CLUSTER_MAP_SAMPLE:
        rows = np.sort(rng.choice(rows, CLUSTER_MAP_SAMPLE, replace=False))
    points = pca.transform(matrix[rows])
    segment_ids = frame.segment_id.to_numpy()[rows].astype(int)
    centroids = _centroids(warehouse, features, frame)
    centres = pca.transform(centroids.to_numpy())
    figure = new_figure(9, 6.5)
    axes = figure.add_subplot()
    # Points shrink as customers grow, so a small data set is still visible.
    size = float(np.clip(20000 / max(len(rows), 1), 6, 40))
    handles = []
    for segment_id in sorted(set(segment_ids)):
        mask = segment_ids == segment_id
        colour = palette.colour(segment_id)
        axes.scatter(
            points[mask, 0], points[mask, 1], s=size, alpha=0.45, color=colour, linewidths=0
        )
        handles.append(
            Line2D([], [], marker="o", linestyle="", color=colour, label=palette.label(segment_id))
        )
    for segment_id, (x, y) in zip(centroids.index.astype(int), centres, strict=True):
        axes.scatter(x, y, marker="X", s=160, color=palette.colour(segment_id), edgecolors="black")
    handles.append(
        Line2D(
            [],
            [],
            marker="X",
            linestyle="",
            markersize=10,
            markerfacecolor="white",
            markeredgecolor="black",
            label="centroid",
        )
    )
    ratio = pca.explained_variance_ratio_
    axes.set_xlabel(f"Principal component 1 ({100 * ratio[0]:.0f}% of variance, standard units)")
    axes.set_ylabel(f"Principal component 2 ({100 * ratio[1]:.0f}% of variance, standard units)")
    figure.legend(handles=handles, title="Segment", loc="outside right center")
    axes.set_title(
        f"{len(rows):,} of {len(frame):,} scored customers shown (fixed sample)", fontsize=9
    )
    return figure


def _feature_profiles(warehouse: Warehouse) -> pd.DataFrame:
    return warehouse.table(
        "segment_feature_profiles",
        ["segment_id", "feature_name", "z_score", "distinguishing_rank"],
        "segment_id, feature_name",
    )


def draw_profile_heatmap(warehouse: Warehouse, palette: SegmentPalette) -> Figure:
    """Mean z-score of each feature per segment: how far the segment sits from the average
    customer, in standard deviations (colour clipped at +-2)."""
    long = _feature_profiles(warehouse)
    wide = long.pivot_table(index="segment_id", columns="feature_name", values="z_score")
    features = list(wide.columns)
    ids = wide.index.astype(int).tolist()
    figure = new_figure(max(10.0, 0.5 * len(features) + 3), 0.6 * len(ids) + 3.2)
    swatch, axes = figure.subplots(
        1, 2, gridspec_kw={"width_ratios": [0.35, len(features)]}, sharey=True
    )
    values = wide.to_numpy(dtype=float)
    image = axes.imshow(values, cmap="RdBu_r", vmin=-2, vmax=2, aspect="auto")
    for (row, column), value in np.ndenumerate(values):
        if not np.isnan(value):
            colour = "white" if abs(value) > 1.3 else "black"
            axes.text(
                column, row, f"{value:.1f}", ha="center", va="center", fontsize=7, color=colour
            )
    axes.set_xticks(range(len(features)), features, rotation=60, ha="right", fontsize=8)
    axes.set_xlabel("Clustering feature")
    axes.grid(False)
    swatch.imshow(
        np.array([[_rgb(palette.colour(i))] for i in ids]), aspect="auto", interpolation="nearest"
    )
    swatch.set_yticks(range(len(ids)), [palette.label(i) for i in ids])
    swatch.set_xticks([])
    swatch.set_ylabel("Segment")
    swatch.grid(False)
    figure.colorbar(image, ax=axes, label="Segment mean vs all customers (z-score, SD)")
    return figure


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def draw_segment_profile(warehouse: Warehouse, palette: SegmentPalette, segment_id: int) -> Figure:
    """One segment: its most distinctive features (z-scores), and its age and income bands
    against all scored customers."""
    long = _feature_profiles(warehouse)
    own = long[long.segment_id == segment_id]
    if own.empty:
        raise NoData(f"segment_feature_profiles has no rows for segment {segment_id}")
    top = own.reindex(own.z_score.abs().sort_values(ascending=False).index)
    top = top.head(SEGMENT_PROFILE_FEATURES).iloc[::-1]
    colour = palette.colour(segment_id)
    figure = new_figure(13, 4.2)
    features, age, income = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.3, 1, 1]})
    features.barh(top.feature_name, top.z_score, color=colour)
    features.axvline(0, color="black", linewidth=0.8)
    features.set_xlabel("Difference from the average customer (SD)")
    features.set_ylabel("Feature (most distinctive first)")
    features.tick_params(axis="y", labelsize=8)
    for axes, dimension in ((age, "age_band"), (income, "income_band")):
        label, seed = MIX_DIMENSIONS[dimension]
        try:
            mix = _mix(warehouse, dimension)
        except NoData as missing:
            axes.set_axis_off()
            axes.text(0.5, 0.5, f"No data: {missing}", ha="center", transform=axes.transAxes)
            continue
        order = band_order(warehouse, seed, dimension, mix.mix_value.unique().tolist())
        population = mix.groupby("mix_value").population_share.first().reindex(order)
        own_mix = mix[mix.segment_id == segment_id].set_index("mix_value").reindex(order)
        x = np.arange(len(order))
        axes.bar(x - 0.2, 100 * own_mix.segment_share.fillna(0), 0.4, color=colour)
        axes.bar(x + 0.2, 100 * population.fillna(0), 0.4, color=POPULATION)
        category_ticks(axes, order)
        axes.set_xlabel(label)
        axes.set_ylabel("Share of customers (%)")
    figure.legend(
        handles=[
            Patch(color=colour, label=palette.label(segment_id)),
            Patch(color=POPULATION, label="all scored customers"),
        ],
        loc="outside lower center",
        ncols=2,
    )
    return figure
