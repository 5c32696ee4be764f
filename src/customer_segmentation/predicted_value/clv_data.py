"""Data for checking the CLV models: the CDNOW sample of the BG/NBD and Gamma-Gamma papers, and
customers simulated from known BG/NBD and Gamma-Gamma parameters.

The CDNOW sample (2,357 customers who first bought in Q1 1997, purchases to June 1998) ships
inside the `lifetimes` wheel on PyPI. It is fetched with pip at test time into a cache and
read straight from the wheel: lifetimes is neither imported nor installed, and nothing from it
is committed here.

`CDNOW_sample.txt` (checked by hand, CRLF lines, 6,919 rows) has five whitespace-separated
fields: the customer id in the full CDNOW master file (5 digits, zero-padded), the customer's
index 1..2,357 in the sample (one index per id), the date YYYYMMDD, the number of CDs and the
dollar value (8 rows have $0.00). 223 rows share a customer and a day with another row.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from customer_segmentation.demo.contract import CUSTOMERS, HEADERS, ORDER_LINES, PRODUCTS

LIFETIMES_VERSION = "0.11.3"
# sha256 of Lifetimes-0.11.3-py3-none-any.whl as pip downloaded it from PyPI.
LIFETIMES_WHEEL_SHA256 = "261e3dc89977c2b60767ca6728aaa29d429de0c814635070a749c36555895da8"
CDNOW_SAMPLE_MEMBER = "lifetimes/datasets/CDNOW_sample.txt"
CDNOW_SUMMARY_MEMBER = "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv"


class CdnowUnavailableError(RuntimeError):
    """The lifetimes wheel could not be downloaded (no network or no pip)."""


def lifetimes_wheel(cache_dir: Path | str) -> Path:
    """Path of the lifetimes wheel in `cache_dir`, downloading it with pip if absent.

    The hash is checked so a cached file that is not the wheel these tests were verified
    against fails loudly instead of changing the published-parameter check.
    """
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    pattern = f"[Ll]ifetimes-{LIFETIMES_VERSION}-py3-none-any.whl"
    wheels = sorted(cache.glob(pattern))
    if not wheels:
        command = [
            sys.executable, "-m", "pip", "download", f"lifetimes=={LIFETIMES_VERSION}",
            "--no-deps", "--only-binary=:all:", "-d", str(cache),
            "--disable-pip-version-check", "--quiet", "--retries", "1", "--timeout", "30",
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise CdnowUnavailableError(f"pip download of lifetimes failed: {error}") from error
        wheels = sorted(cache.glob(pattern))
        if done.returncode != 0 or not wheels:
            raise CdnowUnavailableError(
                f"pip download of lifetimes=={LIFETIMES_VERSION} failed "
                f"(exit {done.returncode}): {done.stderr.strip()[-500:]}"
            )
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    if digest != LIFETIMES_WHEEL_SHA256:
        raise ValueError(f"{wheels[0]} has sha256 {digest}, expected {LIFETIMES_WHEEL_SHA256}")
    return wheels[0]


def _read_member(cache_dir: Path | str, member: str) -> bytes:
    with zipfile.ZipFile(lifetimes_wheel(cache_dir)) as wheel:
        return wheel.read(member)


def load_cdnow_sample(cache_dir: Path | str) -> pd.DataFrame:
    """The CDNOW sample transactions: customer_id (str, master-file id), customer_index (int,
    1..2,357, the id of the papers' summaries), date (datetime64), quantity (CDs), amount ($).
    """
    text = _read_member(cache_dir, CDNOW_SAMPLE_MEMBER).decode("ascii")
    rows = [line.split() for line in text.splitlines() if line.strip()]
    if any(len(row) != 5 for row in rows):
        raise ValueError(f"{CDNOW_SAMPLE_MEMBER}: expected 5 whitespace-separated fields a row")
    ids, index, dates, quantity, amount = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="string"),
            "customer_index": np.array(index, dtype=np.int64),
            "date": pd.to_datetime(pd.Series(dates), format="%Y%m%d"),
            "quantity": np.array(quantity, dtype=np.int64),
            "amount": np.array(amount, dtype=np.float64),
        }
    )


def load_cdnow_summary(cache_dir: Path | str) -> pd.DataFrame:
    """The papers' own 39-week calibration summary as lifetimes ships it (customer_index, x,
    t_x, T, zbar; rounded to 2 decimals), to check `summary_from_transactions` against."""
    from io import BytesIO

    frame = pd.read_csv(BytesIO(_read_member(cache_dir, CDNOW_SUMMARY_MEMBER)))
    return frame.rename(columns={"ID": "customer_index"})


@dataclass(frozen=True)
class SimulatedCustomers:
    """Per-customer calibration summary and holdout purchase counts, in weeks."""

    frequency: np.ndarray
    recency: np.ndarray
    age: np.ndarray
    monetary_value: np.ndarray
    holdout_purchases: np.ndarray


def simulate_customers(
    n: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float,
    q: float,
    v: float,
    cohort_weeks: float = 12.0,
    calibration_weeks: float = 39.0,
    holdout_weeks: float = 39.0,
    seed: int = 0,
    day_resolution: bool = True,
) -> SimulatedCustomers:
    """Customers drawn from BG/NBD (r, alpha, a, b) and Gamma-Gamma (p, q, v), in weeks.

    Births are uniform over the first `cohort_weeks`; purchases follow Poisson(lambda) with
    lambda ~ Gamma(r, rate alpha), and after each repeat purchase the customer drops out with
    probability P ~ Beta(a, b). Mean repeat spend: nu ~ Gamma(q, rate v), and the mean of x
    spends ~ Gamma(px, rate nu x). With `day_resolution` times are then read off whole days as
    a warehouse sees them (`summary_from_transactions`: age runs to the last calibration day),
    so customers share (x, t_x, T) triples; otherwise they are exact.
    """
    rng = np.random.default_rng(seed)
    birth = rng.uniform(0.0, cohort_weeks, n)
    true_age = calibration_weeks - birth
    rate = np.maximum(rng.gamma(r, 1.0 / alpha, n), np.finfo(np.float64).tiny)
    dropout = rng.beta(a, b, n)
    frequency = np.zeros(n, dtype=np.int64)
    recency = np.zeros(n)
    holdout = np.zeros(n, dtype=np.int64)
    clock = np.zeros(n)  # time since birth of the latest purchase
    active = np.arange(n)
    horizon = true_age + holdout_weeks
    while active.size:
        clock[active] += rng.exponential(1.0, active.size) / rate[active]
        active = active[clock[active] < horizon[active]]
        in_calibration = clock[active] < true_age[active]
        calibration_buyers = active[in_calibration]
        frequency[calibration_buyers] += 1
        recency[calibration_buyers] = clock[calibration_buyers]
        holdout[active[~in_calibration]] += 1
        active = active[rng.random(active.size) >= dropout[active]]
    age = true_age
    if day_resolution:
        birth_day = np.floor(birth * 7.0)
        last_day = np.where(frequency > 0, np.floor((birth + recency) * 7.0), birth_day)
        recency = (last_day - birth_day) / 7.0
        age = (np.round(calibration_weeks * 7.0) - 1.0 - birth_day) / 7.0
    nu = rng.gamma(q, 1.0 / v, n)
    repeat = frequency > 0
    monetary = np.zeros(n)
    x = frequency[repeat]
    monetary[repeat] = rng.gamma(p * x, 1.0 / (nu[repeat] * x))
    return SimulatedCustomers(frequency, recency, age, monetary, holdout)


def write_cdnow_raw_folder(transactions: pd.DataFrame, out_dir: Path | str) -> Path:
    """The CDNOW sample in the warehouse's raw contract: only the three required files, one
    product, empty demographics. Each transaction row is an order of one line (quantity 1 at
    the row's dollar value, so spend is the paper's), ordered at midnight UTC of its day.

    Customers are keyed by the papers' 1..2,357 index, zero-padded so text order is numeric.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ids = transactions["customer_index"].map(lambda i: f"{int(i):04d}")
    customers = pd.DataFrame({"customer_id": sorted(ids.unique())})
    customers = customers.reindex(columns=HEADERS[CUSTOMERS], fill_value="")
    products = pd.DataFrame(
        [{"product_id": "CD", "product_name": "Compact disc", "category": "music"}]
    ).reindex(columns=HEADERS[PRODUCTS], fill_value="")
    lines = pd.DataFrame(
        {
            "order_id": [f"T{i:05d}" for i in range(1, len(transactions) + 1)],
            "line_number": 1,
            "customer_id": ids.to_numpy(),
            "ordered_at": transactions["date"].dt.strftime("%Y-%m-%d 00:00:00").to_numpy(),
            "product_id": "CD",
            "quantity": 1,
            "unit_price": transactions["amount"].map(lambda v: f"{v:.2f}").to_numpy(),
            "currency": "USD",
            "channel": "catalog",
            "promotion_id": "",
        }
    ).reindex(columns=HEADERS[ORDER_LINES])
    customers.to_csv(out / CUSTOMERS, index=False)
    products.to_csv(out / PRODUCTS, index=False)
    lines.to_csv(out / ORDER_LINES, index=False)
    return out


def main(argv: list[str] | None = None) -> int:
    """`python -m customer_segmentation.predicted_value.clv_data --out DIR`: the CDNOW sample as
    a raw folder, to build with `make build RAW_DIR=DIR AS_OF_DATE=1997-10-01`."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(".cache/cdnow"), help="where the wheel is kept"
    )
    args = parser.parse_args(argv)
    try:
        transactions = load_cdnow_sample(args.cache_dir)
    except CdnowUnavailableError as error:
        print(f"clv_data: {error}", file=sys.stderr)
        return 2
    out = write_cdnow_raw_folder(transactions, args.out)
    print(f"clv_data: {len(transactions)} CDNOW transactions -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
