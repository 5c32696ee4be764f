"""The predicted-value models' holdout test: every model (BG/NBD, the learned model) beside the
baselines they must beat, for purchase days and for spend; the published one is marked."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from customer_segmentation.plots.style import NEUTRAL, POPULATION, new_figure
from customer_segmentation.warehouse import NoData, Warehouse

CLV_MODEL_LABELS = {
    "bg_nbd": "BG/NBD",
    "gradient_boosting": "gradient boosting (learned)",
    "past_repeat_count": "past repeat count",
    "past_repeat_spend": "past repeat spend",
}


def published_model(warehouse: Warehouse) -> dict[str, str] | None:
    """The model customer_predicted_value publishes, chosen on the selection window, and why
    (`model_name`, `selection_reason`); None where the warehouse does not say. The report
    reads it too."""
    columns = ["model_name", "is_production_model", "selection_reason"]
    try:
        frame = warehouse.query(
            "select model_name, selection_reason from clv_model_parameters "
            "where is_production_model and model_name <> 'gamma_gamma'",
            {"clv_model_parameters": columns},
        )
    except NoData:
        return None
    row = frame.iloc[0]
    return {"model_name": str(row.model_name), "selection_reason": str(row.selection_reason)}


def _evaluation(warehouse: Warehouse, table: str, names: dict[str, str]) -> pd.DataFrame:
    """One evaluation mart with its own column names mapped to the shared ones."""
    needed = ["model_name", "predicted_decile", *names.values()]
    needed += ["decile_calibration_error", "holdout_days"]
    frame = warehouse.query(
        f"select {', '.join(needed)} from {table} "
        "order by model_name, predicted_decile nulls first",
        {table: needed},
    )
    return frame.rename(columns={mart: shared for shared, mart in names.items()})


def _draw_panel(axes: Axes, rows: pd.DataFrame, title: str, unit: str, money: bool) -> None:
    overall, deciles = rows.iloc[0], rows.iloc[1:]
    x = deciles.predicted_decile.astype(int).to_numpy()
    axes.bar(x - 0.2, deciles.predicted_mean.astype(float), 0.4, color=NEUTRAL)
    axes.bar(x + 0.2, deciles.actual_mean.astype(float), 0.4, color=POPULATION)
    axes.set_xticks(x)
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("Decile of the model's predictions (10 = highest)")
    error = f"{overall.mean_absolute_error:,.0f}" if money else f"{overall.mean_absolute_error:.2f}"
    axes.text(
        0.02,
        0.97,
        f"MAE {error}\n"
        f"rank correlation {overall.rank_correlation:.2f}\n"
        f"top decile's share of {unit} {overall.top_decile_share:.0%}\n"
        f"decile calibration error {overall.decile_calibration_error:.0%}",
        transform=axes.transAxes,
        va="top",
        fontsize=8,
    )


def draw_clv_deciles(warehouse: Warehouse, _palette) -> Figure:
    """The holdout test, one panel per model: predicted vs actual per customer by decile of
    the model's own predictions, and its measures over everyone. Purchase days on the top row
    (clv_model_evaluation), spend below (clv_spend_evaluation)."""
    purchases = _evaluation(
        warehouse,
        "clv_model_evaluation",
        {
            "predicted_mean": "predicted_purchases_mean",
            "actual_mean": "actual_purchases_mean",
            "mean_absolute_error": "mean_absolute_error",
            "rank_correlation": "purchase_rank_correlation",
            "top_decile_share": "top_decile_purchase_share",
        },
    )
    spend = _evaluation(
        warehouse,
        "clv_spend_evaluation",
        {
            "predicted_mean": "predicted_spend_mean_amount",
            "actual_mean": "actual_spend_mean_amount",
            "mean_absolute_error": "mean_absolute_error_amount",
            "rank_correlation": "spend_rank_correlation",
            "top_decile_share": "top_decile_spend_share",
        },
    )
    holdout = int(purchases.holdout_days.iloc[0])
    rows = [
        (purchases, "purchases", f"Purchases per customer in the {holdout}-day holdout", False),
        (spend, "spend", f"Spend per customer in the {holdout}-day holdout", True),
    ]
    width = max(len(set(frame.model_name)) for frame, *_ in rows)
    published = (published_model(warehouse) or {}).get("model_name")
    figure = new_figure(4 * width, 8.6)
    grid = figure.subplots(2, width, squeeze=False, sharey="row")
    for panels, (frame, unit, label, money) in zip(grid, rows, strict=True):
        models = [name for name in CLV_MODEL_LABELS if name in set(frame.model_name)]
        for axes in panels[len(models) :]:
            axes.set_axis_off()
        for axes, name in zip(panels, models, strict=False):
            label_text = CLV_MODEL_LABELS[name] + (" (published)" if name == published else "")
            title = f"{label_text}: {unit}"
            _draw_panel(axes, frame[frame.model_name == name], title, unit, money)
        panels[0].set_ylabel(label)
        if "bg_nbd" not in models:
            panels[0].set_title(
                f"{CLV_MODEL_LABELS[models[0]]}: BG/NBD made no {unit} predictions on this "
                "holdout (see clv_model_parameters)",
                fontsize=10,
            )
    grid[0][0].legend(
        handles=[Patch(color=NEUTRAL, label="predicted"), Patch(color=POPULATION, label="actual")],
        loc="center left",
    )
    return figure
