"""How much is left to gain from the k rule? (bench/results/2026-12-05-k-rule-oracle-study.md)

For every labelled set already built up to `customer_features` (by `make evaluate` or
bench/assignment_rule_study.py, under DATA_DIR/builds/<generator>_<customers>_<seed>, with the
answer key in DATA_DIR/<generator>_<customers>_<seed>/key.csv), each k from 2 to 10 goes
through the package's own `evaluate_k`; every customer is then assigned by K-means' nearest
centre and by the shared-covariance mixture as method 4 builds it (segmentation.assign, the
same EM and smallest-segment check; only the bootstrap stability gate is left out), and both
are scored by ARI against the key. Rules for k (prediction strength thresholds, and the
oracle that is told the true k) are then compared on the margin over the better pinned
baseline, given per set in BASELINES_JSON (set name -> ARI).

    python bench/k_rule_oracle_study.py --data-dir data/evaluate --baselines b.json SET ...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import yaml
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from customer_segmentation.segmentation.assign import _shared_covariance
from customer_segmentation.segmentation.choose_k import evaluate_k, nearest_center
from customer_segmentation.segmentation.config import SegmentationConfig
from customer_segmentation.segmentation.prepare import prepare_features, sample_rows

PROJECT_DIR = Path(__file__).resolve().parent.parent


def configured() -> SegmentationConfig:
    models = yaml.safe_load((PROJECT_DIR / "python_models" / "_python_models.yml").read_text())
    model = next(m for m in models["models"] if m["name"] == "int_segmentation_fit")
    return SegmentationConfig.for_format(model["config"]["meta"]["segmentation"], "canonical")


def per_k(data_dir: Path, name: str, config: SegmentationConfig) -> list[dict]:
    key = pd.read_csv(data_dir / name / "key.csv", dtype={"customer_id": str})
    label = next(column for column in key.columns if column != "customer_id")
    database = data_dir / "builds" / name / "warehouse.duckdb"
    with duckdb.connect(str(database), read_only=True) as connection:
        features = connection.execute("select * from customer_features").df()
    prepared = prepare_features(features, config)
    fit_rows = sample_rows(len(prepared.customer_ids), config.fit_sample_size, config.seed)
    customers = pd.DataFrame({"customer_id": prepared.customer_ids})
    truth = customers.merge(key, on="customer_id", how="left")[label].astype(str).to_numpy()
    rows = []
    for k in range(config.k_min, config.k_max + 1):
        candidate = evaluate_k(prepared.matrix[fit_rows], k, config)
        nearest, _ = nearest_center(prepared.matrix, candidate.centers, candidate.weights)
        rule = _shared_covariance(prepared.matrix[fit_rows], candidate, config)
        mixed = nearest if rule is None else rule.predict(prepared.matrix)
        rows.append(
            {
                "set": name,
                "true_k": int(key[label].nunique()),
                "k": k,
                "prediction_strength": candidate.prediction_strength,
                "distinct": candidate.has_structure(config.silhouette_tolerance),
                "targetable": candidate.is_targetable(config),
                "kmeans_ari": adjusted_rand_score(truth, nearest),
                "mixture_ari": adjusted_rand_score(truth, mixed),
            }
        )
    return rows


def rule_k(sets: pd.DataFrame, threshold: float | None) -> int:
    """The project's rule with another prediction-strength threshold; None: the true k."""
    if threshold is None:
        return int(sets["true_k"].iloc[0])
    passing = sets[
        (sets["k"] >= 3)
        & sets["distinct"]
        & sets["targetable"]
        & (sets["prediction_strength"] >= threshold)
    ]
    return int(passing["k"].max()) if len(passing) else 2


def group_of(name: str) -> str:
    """The groups of `make evaluate` (planted 3,000 split at seed 6 / 12 as there)."""
    generator, customers, seed = name.split("_")
    if generator == "planted" and customers == "3000":
        seeds = "1-6" if int(seed) <= 6 else "7-12" if int(seed) <= 12 else "51-56"
        return f"planted 3000 seeds {seeds}"
    return f"{generator} {customers}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--baselines", type=Path, required=True)
    parser.add_argument("sets", nargs="+")
    args = parser.parse_args(argv)
    config, baselines = configured(), json.loads(args.baselines.read_text())
    with threadpool_limits(limits=1):
        figures = pd.DataFrame(
            [row for name in args.sets for row in per_k(args.data_dir, name, config)]
        )
    rules = {"ps >= 0.6": 0.6, "ps >= 0.65": 0.65, "ps >= 0.7 (shipped)": 0.7, "ps >= 0.8": 0.8}
    rows = []
    for name, sets in figures.groupby("set"):
        by_k = sets.set_index("k")
        for rule, threshold in {**rules, "told the true k": None}.items():
            k = rule_k(sets, threshold)
            for assignment in ("kmeans", "mixture"):
                margin = by_k.loc[k, f"{assignment}_ari"] - baselines[name]
                rows.append({"set": name, "rule": rule, "assignment": assignment, "margin": margin})
    margins = pd.DataFrame(rows)
    margins["group"] = margins["set"].map(group_of)
    table = margins.pivot_table(index="group", columns=["assignment", "rule"], values="margin")
    print(table.round(3).to_string())
    print(margins.groupby(["assignment", "rule"])["margin"].mean().round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
