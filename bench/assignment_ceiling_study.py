"""How far the prepared features allow, at the true k, and where classification EM (method 5's
assignment) stops (bench/results/2026-12-05-k-rule-lower-bound-decision.md).

    python bench/assignment_ceiling_study.py --data-dir data/evaluate demo:3000:1 planted:3000:1

For each set already built by `make evaluate` (its `customer_features` and answer key), the
package's own `prepare_features`, then at the set's true k: supervised linear and quadratic
discriminant analysis (5-fold cross-validated predictions, told the groups: what a rule in
these features can reach), K-means, classification EM from K-means' centres (as the warehouse
starts it) and from the true groups' means, with the log-determinant of the pooled
within-segment scatter of both (Friedman-Rubin's criterion, which classification EM
minimises). All scored by ARI against the key; one JSON line per set.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from assignment_rule_study import configured
from sklearn.cluster import KMeans
from sklearn.discriminant_analysis import (
    LinearDiscriminantAnalysis,
    QuadraticDiscriminantAnalysis,
)
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import cross_val_predict

from customer_segmentation.segmentation.choose_k import member_means
from customer_segmentation.segmentation.prepare import prepare_features
from customer_segmentation.segmentation.refine import classification_em_discriminant

FLOOR = 0.01  # the warehouse's covariance_floor


def log_det_within(matrix: np.ndarray, labels: np.ndarray, k: int) -> float:
    within = matrix - member_means(matrix, labels, k)[labels]
    scatter = within.T @ within / len(matrix) + FLOOR * np.eye(matrix.shape[1])
    return float(np.linalg.slogdet(scatter)[1])


def classification_em(matrix: np.ndarray, centers: np.ndarray) -> np.ndarray:
    rule = classification_em_discriminant(matrix, centers, np.ones(matrix.shape[1]), FLOOR, 0)
    if rule is None:
        raise ValueError("classification EM emptied a segment")
    return rule.predict(matrix)


def study(db_path: Path, key_path: Path) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        features = connection.execute("select * from customer_features").df()
    prepared = prepare_features(features, configured())
    matrix = prepared.matrix
    key = pd.read_csv(key_path, dtype={"customer_id": str})
    label = [column for column in key.columns if column != "customer_id"][0]
    groups = pd.Series(prepared.customer_ids).map(key.set_index("customer_id")[label])
    truth = pd.factorize(groups)[0]
    k = int(truth.max()) + 1
    kmeans = KMeans(n_clusters=k, n_init=10, random_state=42).fit(matrix)
    from_kmeans = classification_em(matrix, kmeans.cluster_centers_)
    from_truth = classification_em(matrix, member_means(matrix, truth, k))
    supervised = {
        "lda_cv": LinearDiscriminantAnalysis(),
        "qda_cv": QuadraticDiscriminantAnalysis(reg_param=0.05),
    }
    result = {"true_k": k}
    for name, model in supervised.items():
        result[name] = adjusted_rand_score(truth, cross_val_predict(model, matrix, truth, cv=5))
    result.update(
        kmeans=adjusted_rand_score(truth, kmeans.labels_),
        cem_from_kmeans=adjusted_rand_score(truth, from_kmeans),
        cem_from_truth=adjusted_rand_score(truth, from_truth),
        log_det_from_kmeans=log_det_within(matrix, from_kmeans, k),
        log_det_from_truth=log_det_within(matrix, from_truth, k),
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data/evaluate"))
    parser.add_argument("sets", nargs="+", help="generator:customers:seed, built by make evaluate")
    args = parser.parse_args(argv)
    for spec in args.sets:
        generator, customers, seed = spec.split(":")
        build = args.data_dir / "builds" / f"{generator}_{customers}_seed_{seed}"
        key = args.data_dir / f"{generator}_{customers}_{seed}" / "key.csv"
        row = {"set": spec, **study(build / "warehouse.duckdb", key)}
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
