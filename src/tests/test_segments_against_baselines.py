"""Do the warehouse's segments beat what a practitioner would try first?

One small labelled set per generator goes through the whole warehouse (k chosen by the rule,
not given), and its segments are compared with the answer key by adjusted Rand index against
the two pinned baselines of bench/segmentation_baselines.py, which are told the true number of
groups: K-means on every standardised feature, and K-means on log recency, frequency and
monetary value (each averaged over seeds 0-4). The warehouse must beat the better one by
REQUIRED_MARGIN. `make evaluate` runs the same comparison on more seeds and sizes.

- the demo generator: the session's dirty demo (2,000 customers), with the true customer
  types it writes beside the raw folder;
- the planted-group generator (customer_segmentation.evaluation.planted), written apart from
  the demo generator and the method: 3,000 customers, seed 1.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import PROJECT_DIR, Build, assert_succeeded, build_warehouse
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo.generator import default_truth_path
from customer_segmentation.evaluation.planted import generate_planted
from customer_segmentation.evaluation.results import REQUIRED_MARGIN

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

PLANTED_CUSTOMERS = 3_000
PLANTED_SEED = 1


def _compare(build: Build, key_path) -> dict:
    """The warehouse's ARI and the two baselines' (run as bench runs them, in a process of
    their own) on one labelled build."""
    key = pd.read_csv(key_path, dtype={"customer_id": str})
    label = [column for column in key.columns if column != "customer_id"][0]
    segments = pd.DataFrame(
        build.query("select customer_id, segment_id from customer_segments"),
        columns=["customer_id", "segment_id"],
    )
    scored = segments.merge(key[["customer_id", label]], on="customer_id", how="inner")
    assert len(scored) == len(segments)  # every segmented customer is in the key
    true_k = scored[label].nunique()
    baselines = json.loads(
        subprocess.run(
            [sys.executable, "bench/segmentation_baselines.py", "--db", str(build.db_path)]
            + ["--key", str(key_path), "--k", str(true_k)],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    [(chosen_k,)] = build.query("select k from segmentation_runs")
    return {
        "true_k": true_k,
        "chosen_k": chosen_k,
        "warehouse": adjusted_rand_score(scored[label], scored["segment_id"]),
        "all_features": baselines["all_features"]["ari_mean"],
        "log_rfm": baselines["log_rfm"]["ari_mean"],
    }


def _assert_beats_baselines(result: dict, record_property) -> None:
    for name, value in result.items():
        record_property(name, round(value, 4) if isinstance(value, float) else value)
    better = max(result["all_features"], result["log_rfm"])
    print(f"\n{result}")
    assert result["warehouse"] >= better + REQUIRED_MARGIN, (
        f"ARI {result['warehouse']:.3f} (k={result['chosen_k']}, true {result['true_k']}) "
        f"does not beat the better baseline {better:.3f} by {REQUIRED_MARGIN}"
    )


def test_demo_segments_beat_the_naive_baselines(demo, demo_build, record_property):
    raw_dir, _ = demo
    _assert_beats_baselines(_compare(demo_build, default_truth_path(raw_dir)), record_property)


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory) -> tuple[Build, object]:
    work_dir = tmp_path_factory.mktemp("planted")
    key_path = work_dir / "key.csv"
    generate_planted(work_dir / "raw", PLANTED_CUSTOMERS, PLANTED_SEED, key_path=key_path)
    build = build_warehouse(work_dir / "raw", work_dir / "build")
    assert_succeeded(build)
    return build, key_path


def test_planted_segments_beat_the_naive_baselines(planted_build, record_property):
    build, key_path = planted_build
    _assert_beats_baselines(_compare(build, key_path), record_property)


def test_planted_outliers_get_no_segment_of_their_own(planted_build):
    """The planted set's extreme customers (20-100x their group) land in ordinary segments,
    and the fences that kept them there are recorded."""
    build, key_path = planted_build
    key = pd.read_csv(key_path, dtype={"customer_id": str})
    outliers = set(key.loc[key["is_outlier"].astype(str).str.lower() == "true", "customer_id"])
    assert len(outliers) >= 3
    rows = build.query("select customer_id, segment_id from customer_segments")
    sizes = pd.Series([segment for _, segment in rows]).value_counts(normalize=True)
    assert sizes.min() >= 0.02
    [(clipped,)] = build.query(
        "select count(*) from segmentation_features where clipped_customer_count > 0"
    )
    assert clipped >= 1
