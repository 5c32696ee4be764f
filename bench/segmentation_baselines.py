"""The two segmentations a practitioner tries first, as the bar the warehouse's segments must
clear on data with a known answer (`make evaluate`, src/tests/test_segments_against_baselines.py).

    python bench/segmentation_baselines.py --db WAREHOUSE.duckdb --key KEY.csv --k K
        [--raw-format canonical] [--out FILE.json]

Pinned so they cannot be weakened, and sharing no code with the warehouse's fit:
- told the true number of groups K (the warehouse must find it);
- the warehouse's own configured features and `log_columns` for the raw format (read from
  python_models/_python_models.yml), log1p with the sign kept, median imputation,
  standardisation (mean 0, SD 1), scikit-learn KMeans with n_init=10 and seeds 0-4;
- (a) `all_features`: every configured feature the warehouse could use (not null for everyone,
  not constant); (b) `log_rfm`: log recency, frequency and monetary value only.
Each baseline's ARI against the key is averaged over the five seeds. Prints and writes JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS = (0, 1, 2, 3, 4)
RFM = ("recency_days", "order_count", "monetary_amount")


def configured_features(raw_format: str) -> tuple[list[str], list[str]]:
    """The feature and log columns the warehouse is configured with for this raw format."""
    models = yaml.safe_load((PROJECT_DIR / "python_models" / "_python_models.yml").read_text())
    model = next(m for m in models["models"] if m["name"] == "int_segmentation_fit")
    settings = dict(model["config"]["meta"]["segmentation"])
    override = (settings.pop("format_overrides", None) or {}).get(raw_format) or {}
    settings.update(override)
    return list(settings["feature_columns"]), list(settings.get("log_columns", []))


def standardised(features: pd.DataFrame, columns: list[str], logs: list[str]) -> np.ndarray:
    """log1p (sign kept) where configured, median for missing, mean 0 and SD 1; a column null
    for everyone or constant is left out."""
    kept = []
    for name in columns:
        values = pd.to_numeric(features[name], errors="coerce").astype(float).to_numpy()
        if name in logs:
            values = np.sign(values) * np.log1p(np.abs(values))
        known = values[~np.isnan(values)]
        if known.size == 0 or known.min() == known.max():
            continue
        values = np.where(np.isnan(values), np.median(known), values)
        kept.append((values - values.mean()) / values.std())
    return np.column_stack(kept)


def baseline_ari(matrix: np.ndarray, truth: np.ndarray, k: int) -> dict:
    scores = [
        adjusted_rand_score(
            truth, KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(matrix)
        )
        for seed in SEEDS
    ]
    return {"ari_by_seed": [round(s, 6) for s in scores], "ari_mean": float(np.mean(scores))}


def evaluate(db: Path, key: Path, k: int, raw_format: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as connection:
        features = connection.execute("select * from customer_features").df()
    answers = pd.read_csv(key, dtype={"customer_id": str})
    label = [c for c in answers.columns if c != "customer_id"][0]
    scored = features.merge(answers[["customer_id", label]], on="customer_id", how="inner")
    scored = scored.sort_values("customer_id", kind="mergesort").reset_index(drop=True)
    truth = scored[label].astype(str).to_numpy()
    columns, logs = configured_features(raw_format)
    return {
        "customers": len(scored),
        "k": k,
        "all_features": baseline_ari(standardised(scored, columns, logs), truth, k),
        "log_rfm": baseline_ari(standardised(scored, list(RFM), list(RFM)), truth, k),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a built warehouse")
    parser.add_argument("--key", type=Path, required=True, help="CSV: customer_id, true group")
    parser.add_argument("--k", type=int, required=True, help="the true number of groups")
    parser.add_argument("--raw-format", default="canonical")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = evaluate(args.db, args.key, args.k, args.raw_format)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
