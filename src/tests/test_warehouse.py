"""The dbt warehouse on hand-written raw folders: every contract rule, the as-of cut, RFM on
known numbers, the minimal input, and the errors a user sees for a broken folder."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES_DIR, Build, assert_succeeded, build_warehouse, run_dbt

from customer_segmentation.plots import write_figures
from customer_segmentation.report import render_report

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

EDGE_CASES = FIXTURES_DIR / "contract_edge_cases"
MINIMAL = FIXTURES_DIR / "minimal"

# (file, reason) -> quarantine entries; each row of contract_edge_cases is there for one of them.
EXPECTED_QUARANTINE = {
    ("customers.csv", "duplicate_key"): 1,
    ("customers.csv", "exact_duplicate"): 1,
    ("customers.csv", "invalid_value"): 3,
    ("customers.csv", "missing_required_value"): 1,
    ("customers.csv", "out_of_range_value"): 3,
    ("exchange_rates.csv", "exact_duplicate"): 1,
    ("exchange_rates.csv", "invalid_date"): 1,
    ("exchange_rates.csv", "out_of_range"): 1,
    ("marketing_events.csv", "invalid_code"): 2,
    ("order_lines.csv", "conflicting_order_customer"): 2,
    ("order_lines.csv", "duplicate_key"): 1,
    ("order_lines.csv", "exact_duplicate"): 1,
    ("order_lines.csv", "future_timestamp"): 1,
    ("order_lines.csv", "invalid_code"): 2,
    ("order_lines.csv", "invalid_decimal"): 1,
    ("order_lines.csv", "invalid_integer"): 1,
    ("order_lines.csv", "invalid_timestamp"): 2,
    ("order_lines.csv", "missing_exchange_rate"): 1,
    ("order_lines.csv", "missing_required_value"): 2,
    ("order_lines.csv", "negative_unit_price"): 1,
    ("order_lines.csv", "out_of_range"): 1,
    ("order_lines.csv", "unknown_customer"): 1,
    ("order_lines.csv", "unknown_product"): 1,
    ("order_lines.csv", "zero_quantity"): 1,
    ("product_reviews.csv", "out_of_range"): 1,
    ("product_reviews.csv", "unknown_product"): 1,
    ("products.csv", "duplicate_key"): 1,
    ("products.csv", "missing_required_value"): 1,
    ("products.csv", "out_of_range_value"): 1,
    ("support_tickets.csv", "out_of_range_value"): 2,
    ("survey_responses.csv", "missing_required_value"): 1,
    ("survey_responses.csv", "out_of_range"): 1,
    ("web_sessions.csv", "missing_required_value"): 1,
    ("web_sessions.csv", "out_of_range_value"): 1,
    ("web_sessions.csv", "unknown_customer"): 1,
}


def _data_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


@pytest.fixture(scope="module")
def edge_build(tmp_path_factory) -> Build:
    build = build_warehouse(EDGE_CASES, tmp_path_factory.mktemp("edge"))
    assert_succeeded(build)
    return build


def test_every_broken_rule_lands_in_quarantine_with_its_reason(edge_build):
    rows = edge_build.query(
        "select source_file, reason_code, count(*) from quarantine group by all order by all"
    )
    assert {(f, r): n for f, r, n in rows} == EXPECTED_QUARANTINE


def test_raw_rows_reconcile_with_clean_rejected_and_duplicates(edge_build):
    rows = edge_build.query(
        "select source_file, raw_row_count, clean_row_count, rejected_row_count,"
        " duplicate_row_count from raw_file_reconciliation"
    )
    assert len(rows) == 9
    for source_file, raw, clean, rejected, duplicates in rows:
        assert raw == _data_lines(EDGE_CASES / source_file), source_file
        assert raw == clean + rejected + duplicates, source_file
    by_file = {r[0]: r[1:] for r in rows}
    assert by_file["order_lines.csv"] == (29, 11, 17, 1)
    assert by_file["customers.csv"] == (9, 6, 2, 1)


def test_a_file_that_loses_many_rows_to_quarantine_is_warned_about(edge_build):
    # Every row of the edge-case files is there to break a rule, so most files lose far more
    # than max_rejected_row_share (5%): each is a row of the warning, which does not fail the
    # build.
    [(heavy,)] = edge_build.query(
        "select count(*) from raw_file_reconciliation"
        " where rejected_row_count > 0.05 * raw_row_count"
    )
    assert heavy > 0
    assert f"WARN {heavy} assert_no_raw_file_loses_many_of_its_rows" in edge_build.result.stdout


def test_an_order_day_cut_off_from_the_rest_by_years_is_warned_about(edge_build):
    # A guest line dated 1970-01-01, 53 years before the other orders: valid, but it would
    # stretch the history by decades, so the build warns and says where.
    assert "WARN 1 assert_no_year_passes_without_an_order" in edge_build.result.stdout


def test_an_as_of_date_years_after_the_last_order_is_warned_about(edge_build, tmp_path):
    # Segment names rank customers against each other: years after the data, the most recent
    # buyers would still be Champions. The data's own date (the edge build) does not warn.
    assert "PASS assert_as_of_date_is_within_a_year_of_the_last_order" in (edge_build.result.stdout)
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(edge_build.db_path, db_path)
    result = run_dbt(
        [
            "build",
            "--select",
            "int_as_of_date",
            "assert_as_of_date_is_within_a_year_of_the_last_order",
        ],
        raw_dir=edge_build.raw_dir,
        db_path=db_path,
        target_dir=tmp_path / "target",
        extra_vars={"as_of_date": "2026-01-01"},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "WARN 1 assert_as_of_date_is_within_a_year_of_the_last_order" in result.stdout


def test_staging_standardises_codes_converts_money_and_times(edge_build):
    lines = dict(
        (row[0], row[1:])
        for row in edge_build.query(
            "select order_line_id, channel, currency_code, unit_price_amount,"
            " strftime(ordered_at, '%Y-%m-%d %H:%M') from main_staging.stg_canonical__order_lines"
        )
    )
    assert lines["O1|1"] == ("web", "USD", Decimal("10"), "2023-03-01 10:00")
    assert lines["O1|2"][:2] == ("web", "USD")  # 'WEB' and an empty currency
    assert lines["O2|1"][3] == "2023-04-01 08:00"  # +02:00 converted to UTC
    assert lines["O3|1"][0] == "store"  # 'In-Store'
    assert lines["O13|1"][1:3] == ("EUR", Decimal("3.3"))  # EUR 3.00 at the 2023-03-15 rate 1.1
    assert lines["O18|1"][:2] == ("catalog", "USD")  # 'catalogue', 'usd'
    # VND 12,345 at 0.0000412345: rates keep ten decimals (at four, this one was 0 and the
    # line had no rate); the unit price keeps eight.
    assert lines["O22|1"][1:3] == ("VND", Decimal("0.50903990"))
    # 1,000,000 x 1,000,000,000 passes what a line amount holds: quarantined as out_of_range.
    assert "O23|1" not in lines
    assert "O17|1" in lines and lines["O17|1"][0] == "app"
    # Order "O20-" line 12 and order "O20" line -12 were one key, "O20--12", with a dash.
    assert "O20-|12" in lines and "O20|-12" in lines


def test_rfm_on_known_numbers(edge_build):
    rows = edge_build.query(
        "select customer_id, cast(as_of_date as varchar), recency_days, order_count,"
        " monetary_amount, rfm_code, rfm_segment_name from customer_rfm order by customer_id"
    )
    # as_of_date = the day after the last clean order (O17/O18 on 2023-04-05).
    # C1: O1 (2 x 10 + 5) and O13 (EUR 3 x 1.1) -> 28.30, last on 04-03; C3: O17 + O18 -> 8.00.
    # C2 only returned an item: not scored. Two customers: the better of each scores 5, the
    # other 1; both have two orders, so frequency says nothing about them and both score 3.
    assert rows == [
        ("C1", "2023-04-06", 3, 2, Decimal("28.30"), "135", "At Risk"),
        ("C3", "2023-04-06", 1, 2, Decimal("8.00"), "531", "Potential Loyalists"),
    ]


def test_customers_mart_keeps_every_staged_customer(edge_build):
    rows = edge_build.query(
        "select customer_id, birth_year, gender, age_band, has_purchase from customers"
        " order by customer_id"
    )
    assert rows == [
        ("C1", 1980, "female", "35-44", True),
        ("C2", 1990, "male", "25-34", False),
        ("C3", None, "female", "unknown", True),
        ("C4", None, "unknown", "unknown", False),  # 1890 is before 1900
        ("C5", None, "other", "unknown", False),  # 2030 is after the as-of year
        ("C6", 1985, "unknown", "35-44", False),
    ]


def test_as_of_date_var_cuts_history(tmp_path):
    build = build_warehouse(EDGE_CASES, tmp_path, extra_vars={"as_of_date": "2023-04-01"})
    assert_succeeded(build)
    rows = build.query(
        "select customer_id, cast(as_of_date as varchar), recency_days, order_count,"
        " monetary_amount from customer_rfm"
    )
    # Only O1 (2023-03-01) happened before 2023-04-01; O13, O17 and O18 had not yet.
    assert rows == [("C1", "2023-04-01", 31, 1, Decimal("25.00"))]


def test_malformed_as_of_date_var_is_a_clear_error(tmp_path):
    build = build_warehouse(MINIMAL, tmp_path, extra_vars={"as_of_date": "31/12/2024"})
    assert build.result.returncode != 0
    assert "as_of_date must be YYYY-MM-DD; got '31/12/2024'" in build.result.stdout


def test_a_zero_length_or_count_var_is_a_clear_error(tmp_path):
    build = build_warehouse(MINIMAL, tmp_path, extra_vars={"clv_training_windows": 0})
    assert build.result.returncode != 0
    assert "The var clv_training_windows must be a whole number above 0; got '0'" in (
        build.result.stdout
    )


def test_unknown_raw_format_is_a_clear_error(tmp_path):
    build = build_warehouse(MINIMAL, tmp_path, extra_vars={"raw_format": "excel"})
    assert build.result.returncode != 0
    assert (
        "The var raw_format must be one of canonical, online_retail, marketing_campaign;"
        " got 'excel'" in build.result.stdout
    )


def test_a_folder_without_the_formats_file_stops_the_build_naming_it(tmp_path):
    # The canonical minimal folder holds no online_retail.csv.gz (nor its other two names).
    build = build_warehouse(MINIMAL, tmp_path, extra_vars={"raw_format": "online_retail"})
    assert build.result.returncode != 0
    assert "online_retail.csv.gz: required file is missing" in build.result.stdout
    assert "or online_retail.csv or online_retail_II.csv)" in build.result.stdout


@pytest.fixture(scope="module")
def minimal_build(tmp_path_factory) -> Build:
    build = build_warehouse(MINIMAL, tmp_path_factory.mktemp("minimal"))
    assert_succeeded(build)
    return build


def test_minimal_input_builds_and_scores_every_buyer(minimal_build):
    build = minimal_build
    assert build.query("select count(*) from customers") == [(6,)]
    assert build.query("select count(*) from customer_rfm") == [(5,)]
    assert build.query("select has_purchase from customers where customer_id = 'M006'") == [
        (False,)
    ]
    assert build.query("select count(*) from main_staging.stg_canonical__web_sessions") == [(0,)]
    assert build.query(
        "select count(*) from raw_file_reconciliation where not is_file_present"
    ) == [(6,)]
    assert build.query("select count(*) from quarantine") == [(0,)]
    # Every scored customer is segmented; what the minimal folder cannot feed is dropped, noted.
    assert build.query("select count(*) from customer_segments") == [(5,)]
    dropped = dict(
        build.query(
            "select feature_name, feature_drop_reason from segmentation_features"
            " where not is_feature_used"
        )
    )
    assert dropped["web_session_count"] == "null for every customer"
    assert dropped["age_years"] == "null for every customer"
    assert build.query("select count(*) from cluster_k_selection where is_chosen") == [(1,)]
    engagement = build.query(
        "select web_session_count, email_open_rate, support_ticket_count from customer_engagement"
    )
    assert set(engagement) == {(None, None, None)}
    # Five buyers are too few for BG/NBD: recorded as such (a warning), predictions left null.
    assert build.query(
        "select distinct fit_status from clv_model_parameters where fit_purpose = 'production'"
    ) == [("insufficient_data",)]
    assert build.query(
        "select count(*), count(expected_purchases) from customer_predicted_value"
    ) == [(5, 0)]
    # Nor can the learned model train on them: the selection says so, and BG/NBD stands.
    [(published, reason)] = build.query(
        "select model_name, selection_reason from clv_model_parameters"
        " where is_production_model and model_name <> 'gamma_gamma'"
    )
    assert published == "bg_nbd"
    assert reason.startswith(
        "BG/NBD stands: the learned model made no predictions on the selection window "
        "(history too short for a learned model:"
    ), reason
    assert "WARN" in build.result.stdout


def test_figures_and_report_of_the_minimal_input(minimal_build, tmp_path):
    """Only the required files: figures whose inputs are absent or empty are labelled
    no-data figures, everything else is drawn, and the report says what is missing."""
    manifest = write_figures(minimal_build.db_path, tmp_path / "figures")
    no_data = {f.file: f.no_data_reason for f in manifest.figures if not f.has_data}
    assert no_data == {
        "eda_engagement_distributions.png": (
            "no customer has engagement or feedback (the optional files are absent)"
        ),
        "eda_quarantine.png": "nothing was set aside: every raw row passed every rule",
        "clv_predicted_vs_actual.png": "clv_model_evaluation has no rows",
        # Optional columns empty: no channel or category to mix.
        "segment_channel_category.png": "segment_mix has no rows",
        # One build is one snapshot: sizes are drawn, nobody has moved yet.
        "segment_migration_matrix.png": "segment_transitions has no rows",
    }
    html_path, _ = render_report(minimal_build.db_path, tmp_path / "figures", tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert "limited: 5 is under the minimum of 500" in html
    assert "The purchase model could not be tested on a holdout" in html
    assert "Not supplied: exchange_rates.csv" in html


def _broken_copy(tmp_path: Path) -> Path:
    """The minimal folder broken four ways at once, one file each: the hook must report every
    problem in one message, so one build checks them all."""
    raw_dir = tmp_path / "raw"
    shutil.copytree(MINIMAL, raw_dir)
    (raw_dir / "products.csv").unlink()
    text = (raw_dir / "order_lines.csv").read_text()
    (raw_dir / "order_lines.csv").write_text(text.replace("ordered_at", "order_date", 1))
    header = (raw_dir / "customers.csv").read_text().splitlines()[0]
    (raw_dir / "customers.csv").write_text(header + "\n")
    (raw_dir / "web_sessions.csv").write_text("")
    return raw_dir


def test_broken_raw_folder_stops_the_build_naming_each_file(tmp_path):
    build = build_warehouse(_broken_copy(tmp_path), tmp_path / "build")
    assert build.result.returncode != 0
    for message in (
        "products.csv: required file is missing",
        "order_lines.csv: wrong header, missing column(s) ordered_at",
        "customers.csv: required file has a header but no rows",
        "web_sessions.csv: no header row",
    ):
        assert message in build.result.stdout, message
    assert "Traceback" not in build.result.stdout + build.result.stderr
    # Nothing was built from a folder that breaks the contract.
    assert not build.db_path.exists() or build.query(
        "select count(*) from information_schema.tables where table_name = 'customer_rfm'"
    ) == [(0,)]


def _order_lines_in(currencies: list[str], tmp_path: Path) -> Build:
    """The minimal folder with its order lines' currencies set in turn from `currencies`, and no
    exchange rates, staged as far as the clean order lines."""
    raw_dir = tmp_path / "raw"
    shutil.copytree(MINIMAL, raw_dir)
    lines = (raw_dir / "order_lines.csv").read_text().splitlines()
    header = lines[0].split(",")
    column = header.index("currency")
    rows = []
    for number, line in enumerate(lines[1:]):
        values = line.split(",")
        values[column] = currencies[number % len(currencies)]
        rows.append(",".join(values))
    (raw_dir / "order_lines.csv").write_text("\n".join([lines[0], *rows]) + "\n")
    paths = {"raw_dir": raw_dir, "db_path": tmp_path / "w.duckdb", "target_dir": tmp_path / "t"}
    selection = ["--select", "+stg_canonical__order_lines", "--indirect-selection", "cautious"]
    result = run_dbt(["build", *selection], **paths)
    return Build(result=result, **paths)


def test_order_lines_in_one_currency_need_no_exchange_rates(tmp_path):
    # RAW_CONTRACT.md: exchange_rates.csv is needed only when order lines hold more than one
    # currency. A shop that sells in euros alone keeps its amounts in euros.
    build = _order_lines_in(["eur "], tmp_path)
    assert_succeeded(build)
    rows = build.query(
        "select count(*), count(distinct currency_code), min(exchange_rate),"
        " bool_and(unit_price_amount = unit_price_original_amount)"
        " from main_staging.stg_canonical__order_lines"
    )
    lines_in_file = len((build.raw_dir / "order_lines.csv").read_text().splitlines()) - 1
    assert rows == [(lines_in_file, 1, Decimal("1.0000"), True)]


def test_order_lines_in_two_currencies_without_rates_are_quarantined(tmp_path):
    build = _order_lines_in(["EUR", "GBP"], tmp_path)
    assert_succeeded(build)
    rejected = build.query(
        "select count(*) from main_staging.base_canonical__order_lines"
        " where rejection_reason = 'missing_exchange_rate'"
    )
    lines_in_file = len((build.raw_dir / "order_lines.csv").read_text().splitlines()) - 1
    assert rejected == [(lines_in_file,)]


def test_a_folder_whose_order_lines_all_fail_staging_stops_with_a_reason(tmp_path):
    # Dates in a format the contract does not allow: every line is quarantined, so there is no
    # date to measure as of. The build stops in int_as_of_date saying so, not in a test.
    raw_dir = tmp_path / "raw"
    shutil.copytree(MINIMAL, raw_dir)
    lines = (raw_dir / "order_lines.csv").read_text().splitlines()
    column = lines[0].split(",").index("ordered_at")
    rows = [line.split(",") for line in lines[1:]]
    for values in rows:
        values[column] = "12/09/2011 12:50"
    body = "\n".join([lines[0], *(",".join(values) for values in rows)])
    (raw_dir / "order_lines.csv").write_text(body + "\n")
    build = build_warehouse(raw_dir, tmp_path / "work")
    assert build.result.returncode != 0
    assert "Error in model int_as_of_date" in build.result.stdout
    assert "as_of_date cannot be taken from the data" in build.result.stdout
    assert "no row of order_lines.csv passed staging" in build.result.stdout
    assert "staging model base_canonical__order_lines" in build.result.stdout
    rejected = build.query(
        "select count(*) from main_staging.base_canonical__order_lines"
        " where rejection_reason = 'invalid_timestamp'"
    )
    assert rejected == [(len(rows),)]


def test_an_as_of_date_before_the_first_order_stops_with_a_reason(tmp_path):
    # No history comes before such a date: every segment table would be empty, and the build
    # used to fail on four tests whose names say nothing about the date.
    build = build_warehouse(MINIMAL, tmp_path / "work", extra_vars={"as_of_date": "1990-01-01"})
    assert build.result.returncode != 0
    assert "Error in model int_as_of_date" in build.result.stdout
    assert "The var as_of_date (1990-01-01) is on or before the first order line" in (
        build.result.stdout
    )
