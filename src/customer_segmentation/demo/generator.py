"""`generate()`: stream a complete demo dataset to disk, chunk by chunk.

Memory stays flat because only one chunk of customers (and its events) exists at a time;
the result dict reports rows per file and every injected problem so tests and callers can
reconcile what the warehouse quarantines with what was put in.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from . import contract as c
from .campaigns import plant_campaigns
from .catalog import build_catalog, build_exchange_rates
from .chunk import TRUTH, IdCounters, chunk_files
from .settings import Context
from .timeline import MIN_WINDOW_DAYS, Window, parse_date
from .writer import PartialCsvSet

DEFAULT_START = date(2023, 1, 1)
DEFAULT_END = date(2024, 12, 31)


def default_truth_path(out_dir: Path) -> Path:
    """`<out>_true_types.csv` next to (never inside) the data folder."""
    return out_dir.parent / (out_dir.name + "_true_types.csv")


def _check_arguments(
    out_dir: Path, truth_out: Path, customers: int, seed: int, chunk_size: int, window: Window
) -> None:
    """Fail early with a message a CLI user can act on."""
    if customers < 1:
        raise ValueError(f"--customers must be at least 1 (got {customers})")
    if seed < 0:
        raise ValueError(f"--seed must be a non-negative integer (got {seed})")
    if chunk_size < 1:
        raise ValueError(f"--chunk-size must be at least 1 (got {chunk_size})")
    if window.days < MIN_WINDOW_DAYS:
        raise ValueError(
            f"the window {window.start}..{window.end} has {window.days} days; at least "
            f"{MIN_WINDOW_DAYS} are needed so dormant and at-risk customers can go quiet"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {out_dir} exists and is not a directory")
    if truth_out.resolve().is_relative_to(out_dir.resolve()):
        raise ValueError(
            f"--truth-out {truth_out} is inside the data folder {out_dir}; the true types "
            "must stay outside it so the warehouse can never read them"
        )


def generate(
    out_dir: str | Path,
    customers: int,
    seed: int,
    *,
    truth_out: str | Path | None = None,
    start_date: date | str = DEFAULT_START,
    end_date: date | str = DEFAULT_END,
    currencies: bool = False,
    dirty: bool = True,
    chunk_size: int = 20_000,
    progress: bool = True,
    campaigns: bool = False,
) -> dict[str, Any]:
    """Write the demo raw files for `customers` customers into `out_dir`.

    Returns `{"rows": {file: data rows}, "dirt": {kind: count}, "info": {fact: count}, ...}`.
    Same arguments give byte-identical files; `dirty=False` removes every kind of dirt;
    `campaigns=True` appends the planted holdout campaigns (demo.campaigns).
    """
    out_dir = Path(out_dir)
    truth_path = Path(truth_out) if truth_out is not None else default_truth_path(out_dir)
    window = Window(parse_date(start_date), parse_date(end_date))
    _check_arguments(out_dir, truth_path, customers, seed, chunk_size, window)

    static_seed, chunks_seed = np.random.SeedSequence(seed).spawn(2)
    catalog_seed, rates_seed = static_seed.spawn(2)
    ctx = Context(
        window=window,
        catalog=build_catalog(np.random.default_rng(catalog_seed)),
        total_customers=customers,
        dirty=dirty,
        currencies=currencies,
    )
    files = [f for f in c.ALL_FILES if currencies or f != c.EXCHANGE_RATES]
    targets = {f: (out_dir / f, c.HEADERS[f]) for f in files}
    targets[TRUTH] = (truth_path, c.TRUTH_HEADER)
    stale = [out_dir / f for f in c.ALL_FILES]
    chunk_seeds = chunks_seed.spawn(math.ceil(customers / chunk_size))
    counts: Counter[str] = Counter()
    ids = IdCounters()

    with (
        PartialCsvSet(targets, stale) as sink,
        tqdm(
            total=customers,
            unit="cust",
            unit_scale=True,
            desc="demo data",
            file=sys.stderr,
            disable=not progress,
        ) as bar,
    ):
        sink.write(c.PRODUCTS, ctx.catalog.columns())
        if currencies:
            rates = build_exchange_rates(
                np.random.default_rng(rates_seed), window, ctx.chf_first_day
            )
            sink.write(c.EXCHANGE_RATES, rates)
        for i, chunk_seed in enumerate(chunk_seeds):
            size = min(chunk_size, customers - i * chunk_size)
            for file, columns in chunk_files(
                chunk_seed, i * chunk_size + 1, size, ctx, ids, counts
            ):
                sink.write(file, columns)
            bar.update(size)

    counts["empty_unit_cost_products"] = int((ctx.catalog.cost_cents < 0).sum())
    rows = {f: sink.rows[f] for f in files}
    planted = plant_campaigns(out_dir, seed, window.end, truth_path) if campaigns else {}
    for campaign in planted.values():
        rows[c.MARKETING_EVENTS] += campaign["sent"]
        rows[c.ORDER_LINES] += campaign["planted_orders"]
    return {
        "out_dir": str(out_dir),
        "truth_out": str(truth_path),
        "customers": customers,
        "seed": seed,
        "dirty": dirty,
        "currencies": currencies,
        "start_date": window.start.isoformat(),
        "end_date": window.end.isoformat(),
        "rows": rows,
        "campaigns": planted,
        "truth_rows": sink.rows[TRUTH],
        "dirt": {k: counts[k] for k in c.DIRT_KEYS},
        "info": {k: counts[k] for k in c.INFO_KEYS},
    }
