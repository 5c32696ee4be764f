"""Every figure, in one place: file name, section, title and the one-line caption that the
manifest, the report and the docs site all use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from customer_segmentation.plots import clv, eda, history, mix, models, segments

# Report sections, in reading order, with their headings.
SECTIONS = {
    "data": "The data",
    "k_selection": "How the segments were made",
    "segments": "The segments at a glance",
    "segment": "Segment",
    "rfm": "RFM scores",
    "predicted_value": "Predicted value",
    "over_time": "Segments over time",
}


@dataclass(frozen=True)
class FigureSpec:
    """One figure. A per-segment figure is drawn once per segment of `segment_profiles`, its
    name, title and caption formatted with `{segment_id}` and `{segment_name}`."""

    name: str
    section: str
    title: str
    caption: str
    draw: Callable
    per_segment: bool = False

    def file_name(self, segment_id: int | None = None) -> str:
        return self.name.format(segment_id=segment_id) + ".png"

    def format(self, text: str, segment_id: int | None, segment_name: str | None) -> str:
        return text.format(segment_id=segment_id, segment_name=segment_name)


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        "eda_rfm_distributions",
        "data",
        "Recency, frequency and monetary value",
        "How recently, how often and how much each customer bought before the as-of date "
        "(log axes where the distribution is skewed).",
        eda.draw_rfm_distributions,
    ),
    FigureSpec(
        "eda_engagement_distributions",
        "data",
        "Engagement and feedback",
        "Web sessions, email opens, conversions, support tickets, CSAT and NPS per customer; "
        "a measure whose raw file is absent shows as no data.",
        eda.draw_engagement_distributions,
    ),
    FigureSpec(
        "eda_demographics",
        "data",
        "Who the customers are",
        "Customers by age band, income band and gender, unknown values included.",
        eda.draw_demographics,
    ),
    FigureSpec(
        "eda_feature_correlation",
        "data",
        "How the clustering features move together",
        "Rank correlation between every feature the K-means model used; strongly related "
        "features carry the same information twice.",
        eda.draw_feature_correlation,
    ),
    FigureSpec(
        "eda_missing_values",
        "data",
        "Missing values in the clustering features",
        "Share of scored customers without a value per feature: used features had their "
        "nulls replaced by the median, features null or constant for all were dropped.",
        eda.draw_missing_values,
    ),
    FigureSpec(
        "eda_quarantine",
        "data",
        "What quarantine set aside",
        "Raw rows rejected or removed as duplicates, and values nulled, per raw file and reason.",
        eda.draw_quarantine,
    ),
    FigureSpec(
        "k_selection_elbow",
        "k_selection",
        "Choosing the number of segments: the elbow",
        "Inertia falls as segments are added; the knee marks where more segments stop paying "
        "off, the dashed line the k the documented rule chose.",
        models.draw_elbow,
    ),
    FigureSpec(
        "k_selection_scores",
        "k_selection",
        "Choosing the number of segments: quality and stability",
        "Silhouette against a structureless reference, Calinski-Harabasz, Davies-Bouldin and "
        "prediction strength with its standard error over the splits (the stability check: the "
        "lower end of the bar must reach the dotted minimum) for every k tried; "
        "the dashed line is the chosen k.",
        models.draw_k_scores,
    ),
    FigureSpec(
        "segmentation_feature_weights",
        "k_selection",
        "What the segments are about: variance between segments",
        "For each feature, the share of its variance that lies between the segments' means: "
        "long bars tell the segments apart, short ones barely differ between them. Weights are "
        "noted where features were not weighed equally, and extreme customers clipped to a "
        "feature's fence are counted beside it.",
        models.draw_feature_weights,
    ),
    FigureSpec(
        "segment_sizes",
        "segments",
        "Segment sizes",
        "Customers in each segment, with their share of all scored customers.",
        segments.draw_sizes,
    ),
    FigureSpec(
        "segment_revenue_share",
        "segments",
        "Share of customers and of revenue per segment",
        "A segment whose solid bar is taller than its hatched one brings more revenue than "
        "its headcount suggests.",
        segments.draw_revenue_share,
    ),
    FigureSpec(
        "segment_cluster_map",
        "segments",
        "Cluster map",
        "Customers on the two main axes of the standardised features (PCA), coloured by "
        "segment, centroids marked with a cross; overlap here can still separate in more "
        "dimensions.",
        segments.draw_cluster_map,
    ),
    FigureSpec(
        "segment_profile_heatmap",
        "segments",
        "Segment profiles",
        "How far each segment's mean sits from the average customer on every feature, in "
        "standard deviations (red above, blue below).",
        segments.draw_profile_heatmap,
    ),
    FigureSpec(
        "segment_demographics",
        "segments",
        "Age and income by segment",
        "Share of each segment's members per age band and income band; black ticks are all "
        "scored customers.",
        mix.draw_demographics,
    ),
    FigureSpec(
        "segment_channel_category",
        "segments",
        "Channel and category mix by segment",
        "Share of each segment's gross spend per sales channel and product category; black "
        "ticks are all scored customers.",
        mix.draw_channel_category,
    ),
    FigureSpec(
        "segment_{segment_id:02d}_profile",
        "segment",
        "{segment_name}: what sets it apart",
        "{segment_name}: its most distinctive features in standard deviations from the "
        "average customer, and its age and income bands against all scored customers.",
        segments.draw_segment_profile,
        per_segment=True,
    ),
    FigureSpec(
        "rfm_score_grid",
        "rfm",
        "Recency x frequency score grid",
        "Customers and their mean monetary value in each cell of recency score by frequency "
        "score (5 = most recent, most frequent).",
        models.draw_rfm_grid,
    ),
    FigureSpec(
        "rfm_segment_sizes",
        "rfm",
        "RFM segment sizes",
        "Customers per named RFM segment (Champions, At Risk ...), from the R, F and M scores.",
        models.draw_rfm_segments,
    ),
    FigureSpec(
        "clv_predicted_vs_actual",
        "predicted_value",
        "Predicted vs actual purchases and spend in the holdout",
        "The predicted-value models refitted without the last months, and the simplest "
        "alternatives (customers ranked by past repeat purchases, or by past repeat spend), "
        "each against what customers then bought and spent, by decile of its own prediction.",
        clv.draw_clv_deciles,
    ),
    FigureSpec(
        "segment_sizes_over_time",
        "over_time",
        "Segment sizes over time",
        "Customers per segment at each as-of date the warehouse has built.",
        history.draw_sizes_over_time,
    ),
    FigureSpec(
        "segment_migration_matrix",
        "over_time",
        "Migration between segments",
        "Where each segment's customers were at the end of the latest period: each row sums "
        "to 100% of the segment it starts from.",
        history.draw_migration_matrix,
    ),
)
