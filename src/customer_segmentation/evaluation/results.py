"""What `make evaluate` reports: each build's result, the means over seeds against the better
baseline, and the Markdown table written beside the JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

import pandas as pd

# The better baseline must be beaten by this much (mean ARI over seeds) on every labelled set.
REQUIRED_MARGIN = 0.02


@dataclass
class Result:
    name: str
    generator: str
    customers: int | None
    seed: int | None
    scored_customers: int
    chosen_k: int
    smallest_segment_share: float
    segments_passing_validation: int
    segment_count: int
    build_seconds: float
    true_k: int | None = None
    warehouse_ari: float | None = None
    baseline_all_features_ari: float | None = None
    baseline_log_rfm_ari: float | None = None
    selection_reason: str = ""
    plan_row: int | None = None
    segments: list[dict] = field(default_factory=list)


def summary(results: list[Result]) -> pd.DataFrame:
    """Per labelled set (one PLANS row: generator, size, seeds): means over seeds and the
    margin over the better baseline; per public set: what the warehouse chose."""
    frame = pd.DataFrame([asdict(r) for r in results]).drop(columns=["segments"])
    labelled = frame[frame["warehouse_ari"].notna()]
    grouped = labelled.groupby(["plan_row", "generator", "customers"], sort=False).agg(
        seeds=("seed", lambda s: ", ".join(str(int(x)) for x in s)),
        true_k=("true_k", lambda s: ", ".join(str(int(x)) for x in s)),
        chosen_k=("chosen_k", lambda s: ", ".join(str(int(x)) for x in s)),
        warehouse_ari=("warehouse_ari", "mean"),
        baseline_all_features_ari=("baseline_all_features_ari", "mean"),
        baseline_log_rfm_ari=("baseline_log_rfm_ari", "mean"),
        smallest_segment_share=("smallest_segment_share", "min"),
        segments_passing=(
            "segments_passing_validation",
            lambda s: ", ".join(str(int(x)) for x in s),
        ),
    )
    grouped = grouped.reset_index()
    better = grouped[["baseline_all_features_ari", "baseline_log_rfm_ari"]].max(axis=1)
    grouped["margin"] = grouped["warehouse_ari"] - better
    grouped["beats_baselines"] = grouped["margin"] >= REQUIRED_MARGIN
    return grouped


def markdown(results: list[Result], grouped: pd.DataFrame, seconds: float) -> str:
    lines = [
        f"# Segments on data the method was not tuned to ({date.today().isoformat()})",
        "",
        "`make evaluate` (`python -m customer_segmentation.evaluation.run`): the whole warehouse "
        "built on each set; ARI of `customer_segments` against the answer key; baselines from "
        "`bench/segmentation_baselines.py` (told the true k, n_init=10, seeds 0-4, mean ARI). "
        f"A labelled set passes when the warehouse's mean ARI over seeds beats the better "
        f"baseline by at least {REQUIRED_MARGIN}. Wall time {seconds / 60:.1f} min.",
        "",
        "| generator | customers | seeds | true k | k chosen | warehouse ARI | baseline: all "
        "features | baseline: log RFM | margin | passes | smallest segment | segments passing "
        "validation |",
        "|---|---:|---|---|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for row in grouped.itertuples():
        lines.append(
            f"| {row.generator} | {int(row.customers):,} | {row.seeds} | {row.true_k} | "
            f"{row.chosen_k} | {row.warehouse_ari:.3f} | {row.baseline_all_features_ari:.3f} | "
            f"{row.baseline_log_rfm_ari:.3f} | {row.margin:+.3f} | "
            f"{'yes' if row.beats_baselines else 'NO'} | {row.smallest_segment_share:.1%} | "
            f"{row.segments_passing} |"
        )
    lines += ["", "## Every labelled build", ""]
    lines += [
        "| set | true k | k chosen | warehouse ARI | all features | log RFM | build (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.warehouse_ari is not None:
            lines.append(
                f"| {r.name} | {r.true_k} | {r.chosen_k} | {r.warehouse_ari:.3f} | "
                f"{r.baseline_all_features_ari:.3f} | {r.baseline_log_rfm_ari:.3f} | "
                f"{r.build_seconds:.0f} |"
            )
    lines += ["", "## Public data sets (no answer key)", ""]
    for r in results:
        if r.warehouse_ari is None:
            lines += [
                f"### {r.name}: k = {r.chosen_k}, smallest segment {r.smallest_segment_share:.1%}, "
                f"{r.segments_passing_validation} of {r.segment_count} segments pass validation",
                "",
                f"Reason: {r.selection_reason}",
                "",
                "| segment | customers | share | revenue share | passes validation |",
                "|---|---:|---:|---:|---|",
            ]
            lines += [
                f"| {s['segment_name']} | {int(s['customer_count']):,} | "
                f"{s['customer_share']:.1%} | {s['revenue_share']:.1%} | "
                f"{'yes' if s['passes_validation'] else 'no'} |"
                for s in r.segments
            ]
            lines.append("")
    return "\n".join(lines) + "\n"
