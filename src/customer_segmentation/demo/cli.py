"""Command line for the demo data generator (`python -m customer_segmentation.demo_data`)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .generator import DEFAULT_END, DEFAULT_START, generate


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.demo_data",
        description=(
            "Write a deterministic, realistically dirty demo dataset (raw CSV contract) for "
            "the customer-segmentation warehouse, plus a side file with each customer's "
            "true type."
        ),
    )
    parser.add_argument(
        "--customers", type=int, default=5000, help="number of customers (default 5000)"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the CSV files")
    parser.add_argument(
        "--truth-out",
        type=Path,
        default=None,
        help="true types file, outside --out (default: <out>_true_types.csv beside it)",
    )
    parser.add_argument(
        "--start-date", type=_iso_date, default=DEFAULT_START, help="first day (2023-01-01)"
    )
    parser.add_argument(
        "--end-date", type=_iso_date, default=DEFAULT_END, help="last day, inclusive (2024-12-31)"
    )
    parser.add_argument(
        "--currencies",
        action="store_true",
        help="orders in USD/EUR/GBP/CHF and write exchange_rates.csv",
    )
    parser.add_argument("--clean", action="store_true", help="inject no dirt at all")
    parser.add_argument(
        "--campaigns",
        action="store_true",
        help="add planted holdout campaigns with a known effect, their seed rows and answer key"
        " (written beside --out: <out>_campaign_plans.csv, <out>_campaign_truth.csv)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=20_000,
        help="customers generated per chunk (default 20000)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def summary_line(result: dict[str, Any], seconds: float) -> str:
    """One human-readable line describing what was written."""
    rows = result["rows"]
    dirt = sum(result["dirt"].values())
    return (
        f"demo_data: {result['customers']} customers, {rows['order_lines.csv']} order lines, "
        f"{sum(rows.values())} rows in {len(rows)} files, {dirt} dirty rows -> "
        f"{result['out_dir']} (true types: {result['truth_out']}) in {seconds:.1f}s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, generate, and print the summary line on stderr."""
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        result = generate(
            args.out,
            args.customers,
            args.seed,
            truth_out=args.truth_out,
            start_date=args.start_date,
            end_date=args.end_date,
            currencies=args.currencies,
            dirty=not args.clean,
            chunk_size=args.chunk_size,
            progress=not args.no_progress,
            campaigns=args.campaigns,
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(summary_line(result, time.perf_counter() - started), file=sys.stderr)
    return 0
