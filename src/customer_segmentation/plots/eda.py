"""Exploratory figures: distributions of R, F, M, engagement and demographics, feature
correlations, missing values, and what quarantine removed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from customer_segmentation.plots.style import NEUTRAL, NO_DATA_GREY, category_ticks, new_figure
from customer_segmentation.plots.tables import band_order, used_features
from customer_segmentation.warehouse import NoData, Warehouse

# Skewness above which a histogram switches to a log axis (amounts: log x; counts: log y).
SKEW_FOR_LOG = 1.0
# A skewed amount gets a log x axis when nearly all values are positive (net amounts after
# returns can be 0 or below; those few are counted in the axis label instead of drawn).
MIN_POSITIVE_SHARE_FOR_LOG_X = 0.95


def _skew(values: np.ndarray) -> float:
    if values.size < 3 or np.std(values) == 0:
        return 0.0
    return float(np.mean(((values - values.mean()) / values.std()) ** 3))


def histogram(axes: Axes, values: pd.Series, label: str, *, discrete: bool = False) -> None:
    """Histogram of the known values, on a log axis where the distribution is skewed; the
    axis label says which scale and how many values are unknown or left off."""
    known = pd.to_numeric(values, errors="coerce").dropna().astype(float).to_numpy()
    if known.size == 0:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "No data", ha="center", va="center", color=NO_DATA_GREY, fontsize=14)
        axes.set_title(label)
        return
    unknown = int(values.isna().sum())
    skewed = _skew(known) > SKEW_FOR_LOG
    notes = []
    log_x = skewed and not discrete and (known > 0).mean() >= MIN_POSITIVE_SHARE_FOR_LOG_X
    if discrete and known.max() - known.min() <= 60:
        bins = np.arange(known.min() - 0.5, known.max() + 1.5, 1.0)
    elif log_x:
        not_positive = int((known <= 0).sum())
        known = known[known > 0]
        bins = np.geomspace(known.min(), known.max() * 1.0001, 40)
        axes.set_xscale("log")
        notes.append("log scale")
        if not_positive:
            notes.append(f"{not_positive:,} at or below 0 not shown")
    else:
        bins = 40
    axes.hist(known, bins=bins, color=NEUTRAL, edgecolor="white", linewidth=0.4)
    if skewed and not log_x:
        axes.set_yscale("log")
        notes.append("log count")
    if unknown:
        notes.append(f"{unknown:,} unknown not shown")
    axes.set_xlabel(label + (f"\n({'; '.join(notes)})" if notes else ""))
    axes.set_ylabel("Customers")


def draw_rfm_distributions(warehouse: Warehouse, _palette) -> Figure:
    rfm = warehouse.table("customer_rfm", ["recency_days", "order_count", "monetary_amount"])
    figure = new_figure(12, 4)
    panels = figure.subplots(1, 3)
    histogram(panels[0], rfm.recency_days, "Recency (days since last purchase)")
    histogram(panels[1], rfm.order_count, "Frequency (orders)", discrete=True)
    histogram(panels[2], rfm.monetary_amount.astype(float), "Monetary value (reporting currency)")
    return figure


ENGAGEMENT_PANELS = (
    ("web_session_count", "Web sessions (count)", True),
    ("email_open_rate", "Email open rate (0-1)", False),
    ("marketing_conversion_count", "Marketing conversions (count)", True),
    ("support_ticket_count", "Support tickets (count)", True),
    ("avg_csat_score", "Average CSAT (1-5)", False),
    ("avg_nps_score", "Average NPS answer (0-10)", False),
)


def draw_engagement_distributions(warehouse: Warehouse, _palette) -> Figure:
    """One panel per engagement measure; a measure whose file is absent is its own
    "No data" panel, so the figure still shows what there is."""
    warehouse.require("customer_engagement", ["customer_id"])
    present = [c for c, _, _ in ENGAGEMENT_PANELS if c in warehouse.columns("customer_engagement")]
    if not present:
        raise NoData("customer_engagement has none of the engagement columns")
    frame = warehouse.table("customer_engagement", present)
    if frame.isna().all().all():
        raise NoData("no customer has engagement or feedback (the optional files are absent)")
    figure = new_figure(12, 6.5)
    for axes, (column, label, discrete) in zip(
        figure.subplots(2, 3).ravel(), ENGAGEMENT_PANELS, strict=True
    ):
        values = frame[column] if column in frame else pd.Series([], dtype=float)
        histogram(axes, values, label, discrete=discrete)
    return figure


def _bar_counts(axes: Axes, counts: pd.Series, xlabel: str) -> None:
    axes.bar(range(len(counts)), counts.to_numpy(), color=NEUTRAL)
    category_ticks(axes, list(counts.index))
    axes.set_xlabel(xlabel)
    axes.set_ylabel("Customers")


def draw_demographics(warehouse: Warehouse, _palette) -> Figure:
    customers = warehouse.table("customers", ["age_band", "income_band", "gender"])
    figure = new_figure(12, 4)
    panels = figure.subplots(1, 3)
    for axes, column, seed, label in (
        (panels[0], "age_band", "age_bands", "Age band (years)"),
        (panels[1], "income_band", "income_bands", "Annual income band (reporting currency)"),
        (panels[2], "gender", None, "Gender"),
    ):
        counts = customers[column].fillna("unknown").value_counts()
        order = band_order(warehouse, seed, column, counts.index) if seed else sorted(counts.index)
        _bar_counts(axes, counts.reindex(order), label)
    return figure


def draw_feature_correlation(warehouse: Warehouse, _palette) -> Figure:
    """Spearman (rank) correlation, because most features are skewed counts and amounts."""
    features = used_features(warehouse)
    frame = warehouse.table("customer_features", features)
    matrix = frame.astype(float).corr(method="spearman").to_numpy()
    size = max(6.0, 0.32 * len(features) + 3)
    figure = new_figure(size + 1.5, size)
    axes = figure.add_subplot()
    image = axes.imshow(matrix, cmap="RdBu_r", vmin=-1, vmax=1)
    axes.set_xticks(range(len(features)), features, rotation=90, fontsize=8)
    axes.set_yticks(range(len(features)), features, fontsize=8)
    axes.grid(False)
    axes.set_xlabel("Clustering feature")
    axes.set_ylabel("Clustering feature")
    figure.colorbar(image, ax=axes, shrink=0.7, label="Spearman correlation (-1 to 1)")
    return figure


def draw_missing_values(warehouse: Warehouse, _palette) -> Figure:
    treatment = warehouse.table(
        "segmentation_features",
        ["feature_name", "null_share", "is_feature_used", "feature_drop_reason"],
        "null_share, feature_name desc",
    )
    used = treatment.is_feature_used.fillna(False).astype(bool).to_numpy()
    figure = new_figure(9, max(4.0, 0.25 * len(treatment) + 1.5))
    axes = figure.add_subplot()
    shares = 100 * treatment.null_share.fillna(1.0).astype(float).to_numpy()
    axes.barh(
        treatment.feature_name,
        np.where(used, shares, 0),
        color=NEUTRAL,
        label="used, nulls imputed",
    )
    axes.barh(
        treatment.feature_name,
        np.where(used, 0, shares),
        color="#D55E00",
        label="dropped (null for all or constant)",
    )
    axes.set_xlim(0, 100)
    axes.set_xlabel("Customers without a value (% of scored customers)")
    axes.set_ylabel("Clustering feature")
    axes.tick_params(axis="y", labelsize=8)
    axes.legend(loc="lower right")
    return figure


def draw_quarantine(warehouse: Warehouse, _palette) -> Figure:
    """Raw rows set aside per file, stacked by reason (a value fixed in place counts too)."""
    try:
        frame = warehouse.query(
            "select source_file, reason_code, sum(affected_row_count) as affected_row_count "
            "from quarantine group by all order by source_file, reason_code",
            {"quarantine": ["source_file", "reason_code", "affected_row_count"]},
        )
    except NoData as missing:
        if warehouse.has("quarantine"):
            raise NoData("nothing was set aside: every raw row passed every rule") from missing
        raise
    table = frame.pivot_table(
        index="source_file", columns="reason_code", values="affected_row_count", fill_value=0
    )
    table = table.loc[table.sum(axis=1).sort_values().index]
    figure = new_figure(11, max(3.5, 0.5 * len(table) + 2))
    axes = figure.add_subplot()
    left = np.zeros(len(table))
    colours = _qualitative(len(table.columns))
    for colour, reason in zip(colours, table.columns, strict=True):
        values = table[reason].to_numpy(dtype=float)
        axes.barh(table.index, values, left=left, color=colour, label=reason)
        left += values
    for y, total in enumerate(left):
        axes.text(total, y, f" {int(total):,}", va="center", fontsize=8)
    axes.set_xlabel("Raw rows or values set aside (count)")
    axes.set_ylabel("Raw file")
    axes.legend(title="Reason", loc="center left", bbox_to_anchor=(1.0, 0.5))
    return figure


def _qualitative(count: int) -> list[str]:
    """Colours for categories that are not segments (quarantine reasons)."""
    base = [
        "#332288",
        "#88CCEE",
        "#44AA99",
        "#117733",
        "#999933",
        "#DDCC77",
        "#CC6677",
        "#882255",
        "#AA4499",
        "#DDDDDD",
        "#6699CC",
        "#EE8866",
    ]
    return [base[i % len(base)] for i in range(count)]
