"""Generate an evaluation data set with planted customer groups and a held-out answer key.

The data follow the canonical raw contract (`RAW_CONTRACT.md`) so the warehouse builds them
like any other delivery; the answer key (`customer_id,planted_group,is_outlier`) and a JSON of
metadata are written outside the raw folder, so dbt never sees them. The groups, their mix,
the history window, which optional files exist and the column order all change with the
seed, so a method cannot quietly be tuned to one fixed answer.

    python -m customer_segmentation.evaluation.planted --customers 3000 --seed 7 \\
        --out /tmp/planted/raw --key /tmp/planted/key.csv [--dirt] [--groups purchasing]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from customer_segmentation.evaluation import planted_engagement as engagement
from customer_segmentation.evaluation import planted_io as io
from customer_segmentation.evaluation.planted_demographics import demographics
from customer_segmentation.evaluation.planted_dirt import add_dirt
from customer_segmentation.evaluation.planted_mix import CATALOGUES, choose_groups, split_counts
from customer_segmentation.evaluation.planted_orders import build_orders
from customer_segmentation.evaluation.planted_world import (
    build_products,
    draw_population,
    draw_timeline,
    plant_outliers,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "customers.csv": (
        "customer_id", "signup_date", "birth_year", "gender", "annual_income", "education",
        "marital_status", "country", "city",
    ),
    "order_lines.csv": (
        "order_id", "line_number", "customer_id", "ordered_at", "product_id", "quantity",
        "unit_price", "currency", "channel", "promotion_id",
    ),
    "products.csv": ("product_id", "product_name", "category", "brand", "unit_cost"),
    "web_sessions.csv": (
        "session_id", "customer_id", "started_at", "duration_seconds", "page_views", "device",
    ),
    "marketing_events.csv": (
        "event_id", "customer_id", "campaign_id", "channel", "event_type", "occurred_at",
    ),
    "support_tickets.csv": (
        "ticket_id", "customer_id", "opened_at", "resolved_at", "category", "csat_score",
    ),
    "survey_responses.csv": ("response_id", "customer_id", "responded_at", "nps_score"),
    "product_reviews.csv": ("review_id", "customer_id", "product_id", "reviewed_at", "rating"),
}  # fmt: skip
REQUIRED_FILES = ("customers.csv", "order_lines.csv", "products.csv")
OPTIONAL_FILES = tuple(name for name in COLUMNS if name not in REQUIRED_FILES)
# Every file name the contract knows: a stale one from an earlier run must not be read.
_CONTRACT_FILES = (*COLUMNS, "exchange_rates.csv")
MIN_CUSTOMERS = 100
# One independent random stream per part, so omitting a file or adding dirt never changes
# what the other parts draw.
_STREAMS = ("groups", "layout", "world", "orders", "customers", "dirt", *OPTIONAL_FILES)


def _layout(rng: np.random.Generator) -> tuple[list[str], dict[str, list[str]]]:
    """Which optional files to omit (1-3) and a shuffled column order for every file."""
    omit_count = int(rng.integers(1, 4))
    omitted = sorted(rng.choice(OPTIONAL_FILES, omit_count, replace=False).tolist())
    # The contract lets columns come in any order; shuffling exercises that.
    order = {
        name: [columns[i] for i in rng.permutation(len(columns))]
        for name, columns in COLUMNS.items()
    }
    return omitted, order


def generate_planted(
    out_dir: Path | str,
    customers: int,
    seed: int,
    *,
    key_path: Path | str,
    dirt: bool = False,
    group_catalogue: str = "behaviour",
) -> dict:
    """Write a planted raw folder, its answer key and its metadata; return the metadata.

    The metadata (also written as JSON beside the key) holds the seed, the customer count,
    the planted groups with their shares, the optional files left out, the data's first and
    last day and the outlier count. The groups are drawn from `planted_mix.CATALOGUES`
    [group_catalogue].
    """
    out_dir, key_path = Path(out_dir).resolve(), Path(key_path).resolve()
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"need at least {MIN_CUSTOMERS} customers for 3% groups, got {customers}")
    if key_path.is_relative_to(out_dir):
        raise ValueError(f"the key {key_path} must live outside the raw folder {out_dir}")
    streams = dict(zip(_STREAMS, np.random.default_rng(seed).spawn(len(_STREAMS)), strict=True))

    groups, shares = choose_groups(streams["groups"], CATALOGUES[group_catalogue])
    counts = split_counts(shares, customers)
    omitted, column_order = _layout(streams["layout"])
    present = [name for name in OPTIONAL_FILES if name not in omitted]

    world = streams["world"]
    timeline = draw_timeline(world)
    products = build_products(world)
    people = draw_population(world, groups, counts, timeline, products.categories)
    outlier_count = plant_outliers(world, people, groups, with_web="web_sessions.csv" in present)
    orders = build_orders(streams["orders"], people, groups, products, timeline)

    rng = streams["customers"]
    # Signed up a little before the first purchase (long before it for customers who were
    # already buying when the history starts).
    signup_day = np.floor(
        np.minimum(people.began, orders.first_order_time) - rng.exponential(30.0, people.size)
    ).astype(np.int64)
    as_of = timeline.end + np.timedelta64(1, "D")
    as_of_year = int(as_of.astype("datetime64[Y]").astype(np.int64) + 1970)
    signup_text = io.dates(timeline, signup_day)
    signup_text[rng.random(people.size) < 0.05] = ""
    tables: dict[str, pd.DataFrame] = {
        "customers.csv": pd.DataFrame(
            {
                "customer_id": people.customer_id.astype(object),
                "signup_date": signup_text,
                **demographics(rng, people.size, as_of_year),
            }
        ),
        "order_lines.csv": orders.lines,
        "products.csv": products.table.assign(unit_cost=io.money(products.table["unit_cost"])),
    }
    product_ids = products.table["product_id"].to_numpy()
    builders = {
        "web_sessions.csv": lambda r: engagement.web_sessions(r, people, timeline),
        "marketing_events.csv": lambda r: engagement.marketing_events(
            r, people, timeline, signup_day
        ),
        "support_tickets.csv": lambda r: engagement.support_tickets(r, people, orders, timeline),
        "survey_responses.csv": lambda r: engagement.survey_responses(
            r, people, timeline, signup_day
        ),
        "product_reviews.csv": lambda r: engagement.product_reviews(
            r, people, orders, product_ids, timeline
        ),
    }
    for name in present:
        tables[name] = builders[name](streams[name])

    dirt_rows: dict[str, dict[str, int]] = {}
    if dirt:
        tables, dirt_rows = add_dirt(streams["dirt"], tables, as_of_year)

    out_dir.mkdir(parents=True, exist_ok=True)
    for name in _CONTRACT_FILES:
        (out_dir / name).unlink(missing_ok=True)
    for name, table in tables.items():
        io.write_csv(table, out_dir / name, column_order[name])

    group_names = np.array([spec.name for spec in groups], dtype=object)
    key = pd.DataFrame(
        {
            "customer_id": people.customer_id,
            "planted_group": group_names[people.group],
            "is_outlier": np.where(people.is_outlier, "true", "false"),
        }
    ).sort_values("customer_id", kind="stable")
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key.to_csv(key_path, index=False, lineterminator="\n")

    kinds, kind_counts = np.unique(people.outlier_kind[people.is_outlier], return_counts=True)
    metadata = {
        "generator": "customer_segmentation.evaluation.planted",
        "seed": seed,
        "customers": customers,
        "dirt": dirt,
        "group_catalogue": group_catalogue,
        "start_date": str(timeline.start),
        "end_date": str(timeline.end),
        "as_of_date": str(as_of),
        "group_count": len(groups),
        "groups": [
            {
                "name": spec.name,
                "summary": spec.summary,
                "share": round(float(share), 4),
                "customers": int(count),
            }
            for spec, share, count in zip(groups, shares, counts, strict=True)
        ],
        "omitted_files": omitted,
        "optional_files": present,
        "outliers": outlier_count,
        "outlier_kinds": {str(k): int(c) for k, c in zip(kinds, kind_counts, strict=True)},
        "products": len(products.table),
        "categories": list(products.categories),
        "row_counts": {name: len(table) for name, table in tables.items()},
        "column_order": {name: column_order[name] for name in tables},
        "dirt_rows": dirt_rows,
        "group_definitions": {spec.name: spec.as_dict() for spec in groups},
    }
    key_path.with_suffix(".json").write_text(json.dumps(metadata, indent=2) + "\n")
    return metadata


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints a one-paragraph summary of what it wrote."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=3000, help="customers to generate")
    parser.add_argument("--seed", type=int, required=True, help="random seed (sets everything)")
    parser.add_argument("--out", type=Path, required=True, help="raw folder to write the CSVs to")
    parser.add_argument(
        "--key", type=Path, required=True, help="answer key CSV, outside the raw folder"
    )
    parser.add_argument("--dirt", action="store_true", help="add contract-breaking rows")
    parser.add_argument(
        "--groups",
        choices=sorted(CATALOGUES),
        default="behaviour",
        help="the catalogue groups are drawn from: behaviour (they differ in every kind of "
        "behaviour) or purchasing (they differ only in recency, frequency and basket value)",
    )
    args = parser.parse_args(argv)
    meta = generate_planted(
        args.out,
        args.customers,
        args.seed,
        key_path=args.key,
        dirt=args.dirt,
        group_catalogue=args.groups,
    )
    groups = ", ".join(f"{g['name']} {g['share']:.1%}" for g in meta["groups"])
    print(
        f"{meta['customers']} customers, {meta['group_count']} groups ({groups}); "
        f"{meta['start_date']}..{meta['end_date']}; {meta['outliers']} outliers; "
        f"omitted {', '.join(meta['omitted_files'])}; key {args.key}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
