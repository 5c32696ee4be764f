"""The semantic layer on the demo build: the configs validate (and a broken one does not), the
saved queries answer, every metric groups by the customer dimensions analysts ask for, and the
metrics kpis_monthly also has give its numbers. The same comparison on backfilled history,
by segment at the month's start, is in test_online_retail_history.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import KPI_METRICS, metrics_against_kpis

from customer_segmentation.metrics import MetricQueries, validation_errors, write_saved_queries

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

# By the segment at the month's start (SEGMENT_AT_MONTH_START) only the monthly metrics group:
# test_metrics_match_kpis_monthly and test_online_retail_history.py.
CUSTOMER_DIMENSIONS = [
    "customer__segment_name",
    "customer__rfm_segment_name",
    "customer__preferred_channel",
    "customer__country",
    "customer__age_band",
    "customer__income_band",
]


@pytest.fixture(scope="module")
def manifest_path(demo_build):
    return demo_build.target_dir / "semantic_manifest.json"


def test_semantic_configs_validate(manifest_path):
    assert validation_errors(manifest_path) == []


def test_a_broken_semantic_config_fails_validation(manifest_path, tmp_path):
    manifest = json.loads(manifest_path.read_text())
    revenue = next(metric for metric in manifest["metrics"] if metric["name"] == "revenue")
    revenue["type_params"]["measure"]["name"] = "no_such_measure"
    broken = tmp_path / "semantic_manifest.json"
    broken.write_text(json.dumps(manifest))
    errors = validation_errors(broken)
    assert errors and any("no_such_measure" in error for error in errors), errors
    # A ratio naming a metric that does not exist passes MetricFlow's validation; planning the
    # saved queries catches it.
    revenue["type_params"]["measure"]["name"] = "net_revenue"
    ratio = next(metric for metric in manifest["metrics"] if metric["name"] == "retention_rate")
    ratio["type_params"]["denominator"]["name"] = "no_such_metric"
    broken.write_text(json.dumps(manifest))
    errors = validation_errors(broken)
    assert errors and any("no_such_metric" in error for error in errors), errors


def test_saved_queries_write_one_csv_each(demo_build, manifest_path, tmp_path):
    written = write_saved_queries(MetricQueries(manifest_path, demo_build.db_path), tmp_path)
    assert [path.name for path in written] == [
        "revenue_and_retention_by_segment_by_month.csv",
        "segment_sizes_by_month.csv",
    ]
    for path in written:
        frame = pd.read_csv(path)
        assert len(frame) > 0 and "metric_time__month" in frame.columns, path


@pytest.mark.parametrize("dimension", CUSTOMER_DIMENSIONS)
def test_metrics_group_by_each_customer_dimension(demo_build, manifest_path, dimension):
    queries = MetricQueries(manifest_path, demo_build.db_path)
    additive = ["revenue", "orders", "predicted_clv"]
    grouped = queries.frame(metrics=additive, group_by=[dimension])
    total = queries.frame(metrics=additive)
    assert grouped[dimension].notna().any()
    # Every customer is in one group (or the null group), so the groups add up to the total.
    assert np.allclose(grouped[additive].sum(), total[additive].iloc[0]), dimension
    rates = queries.frame(
        metrics=["campaign_response_rate", "email_conversion_rate"], group_by=[dimension]
    )
    # The canonical demo records no per-customer campaign offers: null, not zero.
    assert rates["campaign_response_rate"].isna().all()
    assert rates["email_conversion_rate"].notna().any()


def test_metrics_match_kpis_monthly(demo_build, manifest_path):
    compared = metrics_against_kpis(demo_build, manifest_path)
    assert len(compared) >= 12
    for metric in KPI_METRICS:
        expected, actual = compared[f"{metric}_kpi"], compared[metric]
        assert np.allclose(expected.astype(float), actual.astype(float), equal_nan=True), metric
