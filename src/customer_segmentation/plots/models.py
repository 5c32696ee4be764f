"""How the models were chosen and how they do: k selection, RFM scores (predicted value: clv)."""

from __future__ import annotations

import json

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from customer_segmentation.plots.style import NEUTRAL, POPULATION, new_figure
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.warehouse import NoData, Warehouse

CHOSEN = "#D55E00"

K_COLUMNS = [
    "k",
    "inertia",
    "is_elbow",
    "is_chosen",
    "silhouette_score",
    "reference_silhouette_score",
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "prediction_strength",
    "prediction_strength_standard_error",
    "bootstrap_ari_mean",
]


def _k_selection(warehouse: Warehouse):
    frame = warehouse.table("cluster_k_selection", K_COLUMNS, "k")
    frame["is_elbow"] = frame.is_elbow.fillna(False).astype(bool)
    frame["is_chosen"] = frame.is_chosen.fillna(False).astype(bool)
    return frame


def _mark_chosen(axes: Axes, chosen_k: int | None) -> None:
    if chosen_k is not None:
        axes.axvline(
            chosen_k, color=CHOSEN, linestyle="--", linewidth=1.2, label=f"chosen k = {chosen_k}"
        )


def draw_elbow(warehouse: Warehouse, _palette) -> Figure:
    frame = _k_selection(warehouse)
    chosen = frame.k[frame.is_chosen]
    chosen_k = int(chosen.iloc[0]) if len(chosen) else None
    figure = new_figure(8, 4.5)
    axes = figure.add_subplot()
    axes.plot(frame.k, frame.inertia, marker="o", color=NEUTRAL, label="inertia")
    knee = frame[frame.is_elbow]
    if len(knee):
        axes.scatter(
            knee.k,
            knee.inertia,
            s=180,
            facecolors="none",
            edgecolors="black",
            linewidths=1.5,
            label=f"knee (kneedle) at k = {int(knee.k.iloc[0])}",
            zorder=3,
        )
    else:
        axes.plot([], [], " ", label="no knee: the curve is straight")
    _mark_chosen(axes, chosen_k)
    axes.set_xticks(frame.k)
    axes.set_xlabel("Number of segments (k)")
    axes.set_ylabel("Inertia (sum of squared distances, SD²)")
    axes.legend()
    return figure


def draw_k_scores(warehouse: Warehouse, _palette) -> Figure:
    frame = _k_selection(warehouse)
    chosen = frame.k[frame.is_chosen]
    chosen_k = int(chosen.iloc[0]) if len(chosen) else None
    figure = new_figure(11, 7)
    panels = figure.subplots(2, 2).ravel()
    silhouette, calinski, davies, stability = panels
    silhouette.plot(frame.k, frame.silhouette_score, marker="o", color=NEUTRAL, label="segments")
    silhouette.plot(
        frame.k,
        frame.reference_silhouette_score,
        marker=".",
        linestyle=":",
        color=POPULATION,
        label="structureless reference",
    )
    silhouette.set_ylabel("Silhouette (-1 to 1, higher is better)")
    calinski.plot(frame.k, frame.calinski_harabasz_score, marker="o", color=NEUTRAL)
    calinski.set_ylabel("Calinski-Harabasz (ratio, higher is better)")
    davies.plot(frame.k, frame.davies_bouldin_score, marker="o", color=NEUTRAL)
    davies.set_ylabel("Davies-Bouldin (ratio, lower is better)")
    # The bars are the standard error over the splits: the check takes the lower end (method 6).
    stability.errorbar(
        frame.k,
        frame.prediction_strength,
        yerr=frame.prediction_strength_standard_error.astype(float).fillna(0.0),
        marker="o",
        color=NEUTRAL,
        capsize=3,
    )
    minimum = _min_prediction_strength(warehouse)
    stability.axhline(
        minimum,
        color=POPULATION,
        linestyle=":",
        label=f"minimum {minimum}",
    )
    stability.set_ylabel("Prediction strength (0-1, higher is more stable)")
    for axes in panels:
        _mark_chosen(axes, chosen_k)
        axes.set_xticks(frame.k)
        axes.set_xlabel("Number of segments (k)")
    silhouette.legend(loc="best")
    stability.legend(loc="best")
    return figure


def _min_prediction_strength(warehouse: Warehouse) -> float:
    """The stability threshold the latest run used (its stored settings), drawn as a line."""
    try:
        settings = warehouse.query(
            "select settings from segmentation_runs order by as_of_date desc limit 1",
            {"segmentation_runs": ["settings", "as_of_date"]},
        ).settings.iloc[0]
        return float(json.loads(settings)["min_prediction_strength"])
    except (NoData, KeyError, TypeError, ValueError):
        return SegmentationConfig.min_prediction_strength


WEIGHT_COLUMNS = [
    "feature_name",
    "is_feature_used",
    "feature_weight",
    "between_segment_variance_share",
    "clipped_customer_count",
]


def draw_feature_weights(warehouse: Warehouse, _palette) -> Figure:
    """Each used feature's share of variance between the segments, largest first; the weight
    is noted where the features were not weighed equally, and clipped customers beside it."""
    frame = warehouse.table("segmentation_features", WEIGHT_COLUMNS, "feature_name")
    frame = frame[frame.is_feature_used.fillna(False).astype(bool)]
    frame = frame[frame.between_segment_variance_share.notna()].sort_values(
        ["between_segment_variance_share", "feature_name"], ascending=[True, False]
    )
    if frame.empty:
        raise NoData("no feature was used in a fit, so none separates the segments")
    equal = 1 / np.sqrt(len(frame))
    unequal = not np.allclose(frame.feature_weight.fillna(equal), equal)
    figure = new_figure(8, max(3.0, 0.32 * len(frame) + 1.2))
    axes = figure.add_subplot()
    axes.barh(frame.feature_name, frame.between_segment_variance_share, color=NEUTRAL)
    for position, row in enumerate(frame.itertuples()):
        notes = [f"weight {row.feature_weight:.2f}"] if unequal else []
        if row.clipped_customer_count and row.clipped_customer_count > 0:
            notes.append(f"{int(row.clipped_customer_count):,} clipped")
        if notes:
            axes.text(
                row.between_segment_variance_share + 0.01,
                position,
                "; ".join(notes),
                va="center",
                fontsize=8,
            )
    axes.set_xlabel("Share of the feature's variance between segments (0-1)")
    axes.set_xlim(0, 1.0)
    if not unequal:
        axes.set_title(f"Every feature weighed the same ({equal:.2f})", fontsize=9)
    return figure


SCORES = range(1, 6)


def draw_rfm_grid(warehouse: Warehouse, _palette) -> Figure:
    """Recency score x frequency score: customers in each cell and their mean monetary value."""
    frame = warehouse.query(
        "select recency_score, frequency_score, count(*) as customers, "
        "avg(monetary_amount) as mean_monetary_amount from customer_rfm "
        "where recency_score is not null and frequency_score is not null group by all",
        {"customer_rfm": ["recency_score", "frequency_score", "monetary_amount"]},
    )
    figure = new_figure(12, 5)
    panels = figure.subplots(1, 2)
    for axes, column, label, cmap, fmt in (
        (panels[0], "customers", "Customers (count)", "Blues", "{:,.0f}"),
        (
            panels[1],
            "mean_monetary_amount",
            "Mean monetary value (reporting currency)",
            "Greens",
            "{:,.0f}",
        ),
    ):
        grid = frame.pivot_table(
            index="frequency_score", columns="recency_score", values=column
        ).reindex(index=list(SCORES), columns=list(SCORES))
        values = grid.to_numpy(dtype=float)
        image = axes.imshow(values, cmap=cmap, origin="lower")
        top = np.nanmax(values) if np.isfinite(values).any() else 0
        for (row, col), value in np.ndenumerate(values):
            if np.isfinite(value):
                colour = "white" if value > 0.6 * top else "black"
                axes.text(
                    col, row, fmt.format(value), ha="center", va="center", fontsize=8, color=colour
                )
        axes.set_xticks(range(5), [str(s) for s in SCORES])
        axes.set_yticks(range(5), [str(s) for s in SCORES])
        axes.set_xlabel("Recency score (1-5, 5 = bought most recently)")
        axes.set_ylabel("Frequency score (1-5, 5 = most orders)")
        axes.grid(False)
        figure.colorbar(image, ax=axes, shrink=0.85, label=label)
    return figure


def draw_rfm_segments(warehouse: Warehouse, _palette) -> Figure:
    frame = warehouse.query(
        "select rfm_segment_name, count(*) as customers, sum(monetary_amount) as monetary "
        "from customer_rfm group by all order by customers, rfm_segment_name",
        {"customer_rfm": ["rfm_segment_name", "monetary_amount"]},
    )
    frame["rfm_segment_name"] = frame.rfm_segment_name.fillna("unscored")
    total = frame.customers.sum()
    figure = new_figure(9, max(4.0, 0.35 * len(frame) + 1.5))
    axes = figure.add_subplot()
    bars = axes.barh(frame.rfm_segment_name, frame.customers, color=NEUTRAL)
    axes.bar_label(bars, [f" {n:,} ({100 * n / total:.0f}%)" for n in frame.customers], fontsize=8)
    axes.set_xlabel("Customers (count)")
    axes.set_ylabel("RFM segment")
    axes.margins(x=0.15)
    return figure
