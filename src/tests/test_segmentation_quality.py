"""Is the segmentation any good? A 20,000-customer dirty demo goes through the whole warehouse
(k chosen by the rule, not given) and its segments are compared with the customers' true types,
which the generator wrote to a side file dbt never reads."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import assert_succeeded, build_warehouse
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo_data import generate

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

# A plain standardise-and-K-means on RFM and a few engagement counts gets about 0.6 here.
MINIMUM_ADJUSTED_RAND_INDEX = 0.6


def test_segments_recover_the_true_customer_types(tmp_path, record_property):
    raw_dir = tmp_path / "raw"
    truth_path = tmp_path / "true_types.csv"
    generate(raw_dir, 20_000, 7, truth_out=truth_path, progress=False)
    build = build_warehouse(raw_dir, tmp_path / "build")
    assert_succeeded(build)

    segments = pd.DataFrame(
        build.query("select customer_id, segment_id from customer_segments"),
        columns=["customer_id", "segment_id"],
    )
    truth = pd.read_csv(truth_path, dtype={"customer_id": str})
    scored = segments.merge(truth, on="customer_id", how="inner")
    assert len(scored) == len(segments)  # every segmented customer is a real one

    ari = adjusted_rand_score(scored["true_type"], scored["segment_id"])
    [(chosen_k,)] = build.query("select k from cluster_k_selection where is_chosen")
    record_property("adjusted_rand_index", round(ari, 3))
    record_property("chosen_k", chosen_k)
    print(f"\n20,000-customer demo: k={chosen_k}, adjusted Rand index {ari:.3f}")
    assert ari >= MINIMUM_ADJUSTED_RAND_INDEX
