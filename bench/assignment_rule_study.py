"""The offline study behind segmentation methods 4-6 (bench/results/2026-12-05-tied-
refinement-decision.md, 2026-12-05-classification-em-decision.md, 2026-12-05-k-rule-lower-
bound-decision.md): which method recovers planted groups best: K-means itself (method 3), a
Gaussian mixture with one shared covariance started from the K-means centres (method 4),
classification EM with that covariance (method 5), or method 5 with a k stable only when its
prediction strength clears the threshold by more than its standard error (method 6)?

    python bench/assignment_rule_study.py --data-dir data/study --methods method_4 method_5 \
        -- planted:3000:51 demo:3000:11 ...

Each set (generator:customers:seed) is generated with its answer key (as `make evaluate` does)
and built up to `customer_features` with dbt; then the package's own `fit_segments` runs in
process once per method asked for (all by default), and each is scored by ARI against the key
beside the pinned baselines of bench/segmentation_baselines.py (told the true k). Prints one
JSON line per set and a table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.evaluation.run import labelled_set
from customer_segmentation.segmentation.config import METHOD_SETTINGS, SegmentationConfig
from customer_segmentation.segmentation.fit import fit_segments

PROJECT_DIR = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"
# method_3 ... method_6: the package's own numbering of its (assignment, k rule) settings.
METHODS = {f"method_{version}": settings for version, settings in METHOD_SETTINGS.items()}


def build_features(raw_dir: Path, work_dir: Path) -> Path:
    """`dbt seed` and `dbt build --select +customer_features` into a warehouse of its own."""
    db_path = work_dir / "warehouse.duckdb"
    if db_path.exists():
        return db_path
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DUCKDB_PATH": str(db_path),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
    }
    dbt_vars = json.dumps({"raw_dir": str(raw_dir)})
    selection = ["--select", "+customer_features", "--indirect-selection", "cautious"]
    with (work_dir / "dbt.log").open("w") as log:
        for command in (["seed"], ["build", *selection]):
            subprocess.run(
                [str(DBT), *command, "--vars", dbt_vars],
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
    return db_path


def configured() -> SegmentationConfig:
    models = yaml.safe_load((PROJECT_DIR / "python_models" / "_python_models.yml").read_text())
    model = next(m for m in models["models"] if m["name"] == "int_segmentation_fit")
    return SegmentationConfig.for_format(model["config"]["meta"]["segmentation"], "canonical")


def score(db_path: Path, key_path: Path, config: SegmentationConfig, methods) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        features = connection.execute("select * from customer_features").df()
    key = pd.read_csv(key_path, dtype={"customer_id": str})
    label = [column for column in key.columns if column != "customer_id"][0]
    true_k = int(key[label].nunique())
    baselines = json.loads(
        subprocess.run(
            [sys.executable, str(PROJECT_DIR / "bench" / "segmentation_baselines.py")]
            + ["--db", str(db_path), "--key", str(key_path), "--k", str(true_k)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    result = {
        "true_k": true_k,
        "baseline": max(baselines["all_features"]["ari_mean"], baselines["log_rfm"]["ari_mean"]),
    }
    for method in methods:
        assignment, bound = METHODS[method]
        fit = fit_segments(
            features,
            replace(config, segment_assignment=assignment, prediction_strength_bound=bound),
        )
        scored = fit.assignments.merge(key, on="customer_id")
        result[f"{method}_k"] = int(fit.run["k"].iloc[0])
        result[f"{method}_ari"] = adjusted_rand_score(scored[label], scored["segment_id"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=PROJECT_DIR / "data" / "study")
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("sets", nargs="+", help="generator:customers:seed")
    args = parser.parse_args(argv)
    config, rows = configured(), []
    for spec in args.sets:
        generator, customers, seed = spec.split(":")
        dataset = labelled_set(generator, int(customers), int(seed), args.data_dir)
        work_dir = args.data_dir / "builds" / f"{generator}_{customers}_{seed}"
        db_path = build_features(dataset.raw_dir, work_dir)
        row = {"set": spec, **score(db_path, dataset.key, config, args.methods)}
        for method in args.methods:
            row[f"{method}_margin"] = row[f"{method}_ari"] - row["baseline"]
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}))
        rows.append(row)
    table = pd.DataFrame(rows)
    print(table.round(3).to_string(index=False))
    print(table[[f"{method}_margin" for method in args.methods]].mean().round(3).to_string())
    return 0 if all(np.isfinite(table[f"{method}_ari"]).all() for method in args.methods) else 1


if __name__ == "__main__":
    sys.exit(main())
