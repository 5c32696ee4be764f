"""The warehouse on a dirty generated demo: every injected kind of dirt is quarantined and
reconciled, every built column is documented, and two builds of the same input are identical."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import assert_succeeded, build_warehouse

from customer_segmentation.docs_check import main as docs_check

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

MARTS = [
    "customers",
    "customer_rfm",
    "quarantine",
    "raw_file_reconciliation",
    "customer_engagement",
    "customer_value",
    "customer_preferences",
    "customer_features",
    "customer_segments",
    "cluster_k_selection",
    "segmentation_features",
    "segment_profiles",
    "customer_predicted_value",
    "clv_model_parameters",
    "clv_model_evaluation",
    "clv_spend_evaluation",
    "segment_validation",
    "segment_feature_tests",
    "segment_rules",
    "segment_feature_profiles",
    "segment_mix",
    "segment_recommendations",
    "segment_audiences",
    "data_sufficiency",
    "segment_centroids",
    "segmentation_runs",
]
# Run metadata: differs between two builds of the same input by design.
RUN_METADATA = {"segmentation_runs": "exclude (built_at, dbt_invocation_id)"}
OPTIONAL_TABLES = [
    "web_sessions",
    "marketing_events",
    "support_tickets",
    "survey_responses",
    "product_reviews",
]


def _data_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def test_every_raw_file_reconciles(demo, demo_build):
    raw_dir, _ = demo
    rows = demo_build.query(
        "select source_file, is_file_present, raw_row_count, clean_row_count,"
        " rejected_row_count, duplicate_row_count from raw_file_reconciliation"
    )
    assert len(rows) == 9
    for source_file, is_present, raw, clean, rejected, duplicates in rows:
        path = raw_dir / source_file
        assert is_present == path.exists(), source_file
        assert raw == (_data_lines(path) if path.exists() else 0), source_file
        assert raw == clean + rejected + duplicates, source_file


# generator dirt key -> (file, reason_code, column_name or None for any) in quarantine
DIRT_TO_QUARANTINE = {
    "duplicate_customer_rows": ("customers.csv", "exact_duplicate", None),
    "impossible_birth_year_customers": ("customers.csv", "out_of_range_value", "birth_year"),
    "negative_annual_income_customers": ("customers.csv", "out_of_range_value", "annual_income"),
    "duplicate_order_lines": ("order_lines.csv", "exact_duplicate", None),
    "duplicate_key_order_lines": ("order_lines.csv", "duplicate_key", None),
    "unknown_customer_order_lines": ("order_lines.csv", "unknown_customer", None),
    "negative_unit_price_order_lines": ("order_lines.csv", "negative_unit_price", None),
    "zero_quantity_order_lines": ("order_lines.csv", "zero_quantity", None),
    "empty_product_id_order_lines": ("order_lines.csv", "missing_required_value", "product_id"),
    "unknown_product_id_order_lines": ("order_lines.csv", "unknown_product", None),
    "unparseable_ordered_at_order_lines": ("order_lines.csv", "invalid_timestamp", None),
    "invalid_channel_order_lines": ("order_lines.csv", "invalid_code", "channel"),
    "missing_exchange_rate_order_lines": ("order_lines.csv", "missing_exchange_rate", None),
    "negative_duration_web_sessions": ("web_sessions.csv", "out_of_range_value", None),
    "invalid_event_type_marketing_events": ("marketing_events.csv", "invalid_code", "event_type"),
    "invalid_channel_marketing_events": ("marketing_events.csv", "invalid_code", "channel"),
    "out_of_range_csat_support_tickets": ("support_tickets.csv", "out_of_range_value", None),
    "out_of_range_nps_survey_responses": ("survey_responses.csv", "out_of_range", None),
    "out_of_range_rating_product_reviews": ("product_reviews.csv", "out_of_range", None),
    **{
        f"unknown_customer_{table}": (f"{table}.csv", "unknown_customer", None)
        for table in OPTIONAL_TABLES
    },
    **{
        f"empty_customer_{table}": (f"{table}.csv", "missing_required_value", "customer_id")
        for table in OPTIONAL_TABLES
    },
}


def test_each_kind_of_injected_dirt_is_quarantined_exactly(demo, demo_build):
    _, counts = demo
    found = {}
    for key, (source_file, reason_code, column_name) in DIRT_TO_QUARANTINE.items():
        column_filter = f"and column_name = '{column_name}'" if column_name else ""
        [(affected,)] = demo_build.query(
            "select coalesce(sum(affected_row_count), 0) from quarantine"
            f" where source_file = '{source_file}' and reason_code = '{reason_code}'"
            f" {column_filter}"
        )
        found[key] = affected
    assert found == {key: counts["dirt"][key] for key in DIRT_TO_QUARANTINE}
    # The sample is big enough that the main kinds really occur.
    assert all(
        found[key] > 0
        for key in (
            "duplicate_order_lines",
            "unknown_customer_order_lines",
            "unparseable_ordered_at_order_lines",
            "missing_exchange_rate_order_lines",
        )
    )


def test_guest_lines_are_kept_or_accounted_for(demo, demo_build):
    _, counts = demo
    [(staged,)] = demo_build.query(
        "select count(*) from main_staging.stg_canonical__order_lines where customer_id is null"
    )
    # A guest line can still break another rule (e.g. a currency without a rate).
    [(quarantined,)] = demo_build.query(
        "select coalesce(sum(affected_row_count), 0) from quarantine"
        " where source_file = 'order_lines.csv' and quarantine_action <> 'value_logged'"
        " and json_extract_string(raw_record, '$.customer_id') is null"
    )
    assert staged > 0
    assert staged + quarantined == counts["dirt"]["guest_order_lines"]


def test_channel_spelling_variants_are_standardised(demo_build):
    rows = demo_build.query(
        "select distinct channel from main_staging.stg_canonical__order_lines order by channel"
    )
    assert [channel for (channel,) in rows] == ["app", "catalog", "phone", "store", "web"]


def test_every_built_column_is_documented(demo_build, capsys):
    status = docs_check(["--target-dir", str(demo_build.target_dir)])
    assert status == 0, capsys.readouterr().err


def _mart_rows(db_path: Path, table: str) -> list[tuple]:
    columns = f"* {RUN_METADATA.get(table, '')}"
    with duckdb.connect(str(db_path), read_only=True) as connection:
        return connection.execute(f"select {columns} from {table} order by all").fetchall()


def test_same_input_gives_identical_marts(demo, demo_build, tmp_path):
    raw_dir, _ = demo
    second = build_warehouse(raw_dir, tmp_path / "second")
    assert_succeeded(second)
    for table in MARTS:
        first_rows = _mart_rows(demo_build.db_path, table)
        assert first_rows, f"{table} is empty"
        assert first_rows == _mart_rows(second.db_path, table), table


def test_every_segment_rule_selects_what_it_claims_in_sql(demo_build):
    """The pasteable predicates, run against customer_features, give the stored counts."""
    rules = demo_build.query(
        "select rule_id, segment_id, sql_predicate, customers_matched, customers_correct"
        " from segment_rules where rule_scope in ('leaf', 'segment')"
    )
    assert rules
    for rule_id, segment_id, predicate, matched, correct in rules:
        [(count, in_segment)] = demo_build.query(
            "select count(*), count(*) filter (where segments.segment_id = "
            f"{segment_id}) from customer_features inner join customer_segments as segments"
            f" using (customer_id) where {predicate}"
        )
        assert (count, in_segment) == (matched, correct), rule_id
    [(fidelity,)] = demo_build.query(
        "select rule_precision from segment_rules where rule_scope = 'overall'"
    )
    assert 0.8 <= fidelity <= 1.0


def test_segments_are_validated_explained_and_have_a_playbook_row(demo_build):
    [(segments,)] = demo_build.query("select count(*) from segment_profiles")
    assert demo_build.query(
        "select count(*) filter (where validation_scope = 'segment'),"
        " count(*) filter (where validation_scope = 'overall') from segment_validation"
    ) == [(segments, 1)]
    assert demo_build.query(
        "select count(*) from segment_recommendations"
        " where recommended_action is not null and recommendation_summary like '% customers · %'"
    ) == [(segments,)]
    assert demo_build.query(
        "select count(*) from segment_profiles where top_distinguishing_features is null"
        " or segment_colour not like '#%'"
    ) == [(0,)]
    [(audience, scored)] = demo_build.query(
        "select (select count(*) from segment_audiences), (select count(*) from customer_rfm)"
    )
    assert audience == scored
    names = [name for (name,) in demo_build.query("select segment_name from segment_profiles")]
    assert len(set(names)) == len(names)
    assert not any(character.isdigit() for name in names for character in name)
    [(runs, fingerprint)] = demo_build.query(
        "select count(*), any_value(data_fingerprint) from segmentation_runs"
    )
    assert runs == 1 and len(fingerprint) == 16
