"""Raw files as real systems export them (issue 22), one build per folder: Excel's "CSV UTF-8"
(byte-order mark, CRLF), a header repeated mid-file, 1,234.50 prices, 12/31/1997 dates, a
quoted line break, a row with too many fields and an unclosed quote in
`fixtures/raw_file_formats/excel_utf8`; Latin-1 in `fixtures/raw_file_formats/latin1`; and the
folders that stop the build before any model (a ; delimiter, Latin-1 read as UTF-8, a file of
which nothing parses), made from copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import (
    CUSTOMERS_MART,
    FIXTURES_DIR,
    Build,
    assert_succeeded,
    build_warehouse,
    run_dbt,
)

pytestmark = [pytest.mark.dbt, pytest.mark.usefixtures("dbt_available")]

FORMATS = FIXTURES_DIR / "raw_file_formats"
EXCEL_UTF8 = FORMATS / "excel_utf8"
LATIN1 = FORMATS / "latin1"

# (file, reason, raw text) -> raw records; each odd row of excel_utf8 is there for one of them.
EXPECTED_QUARANTINE = {
    ("customers.csv", "unparseable_row"): 1,  # X3: two fields more than the header
    ("order_lines.csv", "invalid_decimal"): 1,  # R2: "1,234.50"
    ("order_lines.csv", "invalid_integer"): 1,  # the header again, mid-file
    ("order_lines.csv", "invalid_timestamp"): 1,  # R4: 12/31/1997
    ("order_lines.csv", "unparseable_row"): 1,  # R5: a quote opened and never closed
}


@pytest.fixture(scope="module")
def excel_build(tmp_path_factory) -> Build:
    build = build_warehouse(EXCEL_UTF8, tmp_path_factory.mktemp("excel_utf8"))
    assert_succeeded(build)
    return build


def test_fixture_is_what_excel_writes():
    for path in EXCEL_UTF8.glob("*.csv"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        assert data.count(b"\r\n") >= 2, path.name


def test_each_broken_row_is_quarantined_with_its_reason(excel_build):
    rows = excel_build.query(
        "select source_file, reason_code, sum(affected_row_count) from quarantine"
        " group by all order by all"
    )
    assert {(f, r): n for f, r, n in rows} == EXPECTED_QUARANTINE


def test_unparseable_rows_keep_their_raw_text(excel_build):
    rows = excel_build.query(
        "select source_file, record_key, raw_record, quarantine_action from quarantine"
        " where reason_code = 'unparseable_row' order by source_file"
    )
    assert rows == [
        (
            "customers.csv",
            "record 4",
            "X3,2023-03-01,1985,F,30000,,,UK,Leeds,extra field,another",
            "row_rejected",
        ),
        (
            "order_lines.csv",
            "record 7",
            'R5,1,X1,2023-03-10 10:00:00,SKU1,1,10.00,,web,"PROMO',
            "row_rejected",
        ),
    ]


def test_quoted_line_break_comma_and_quotes_arrive_intact(excel_build):
    assert excel_build.query("select customer_id, city from customers order by 1") == [
        ("X1", "New York,\nNY"),
        ("X2", "Zürich"),
    ]
    assert excel_build.query("select product_name from main_staging.stg_canonical__products") == [
        ('Mug "Classic", 12oz',)
    ]


def test_row_counts_are_records_not_lines(excel_build):
    rows = excel_build.query(
        "select source_file, raw_row_count, clean_row_count, rejected_row_count, is_reconciled"
        " from raw_file_reconciliation where is_file_present order by 1"
    )
    # customers.csv has 5 lines after the header but 3 records (X1's city spans two lines).
    assert rows == [
        ("customers.csv", 3, 2, 1, True),
        ("order_lines.csv", 6, 2, 4, True),
        ("products.csv", 1, 1, 0, True),
    ]


def test_latin1_builds_with_raw_encoding_and_keeps_zurich(tmp_path):
    # Only what the assertions read (and their tests): the fits are the excel build's business.
    paths = {"raw_dir": LATIN1, "db_path": tmp_path / "w.duckdb", "target_dir": tmp_path / "t"}
    result = run_dbt(
        [
            "build",
            "--select",
            f"+{CUSTOMERS_MART}",
            "+quarantine",
            "--indirect-selection",
            "cautious",
        ],
        extra_vars={"raw_encoding": "latin-1"},
        **paths,
    )
    build = Build(result=result, **paths)
    assert_succeeded(build)
    assert build.query("select city from customers where customer_id = 'X2'") == [("Zürich",)]
    assert build.query("select count(*) from quarantine") == [(0,)]


def _copy(tmp_path: Path, source: Path) -> Path:
    raw_dir = tmp_path / "raw"
    shutil.copytree(source, raw_dir)
    return raw_dir


def _assert_stops_before_any_model(build: Build, message: str) -> None:
    assert build.result.returncode != 0
    assert message in build.result.stdout, build.result.stdout[-3000:]
    assert "Traceback" not in build.result.stdout + build.result.stderr
    assert not build.db_path.exists() or build.query(
        "select count(*) from information_schema.tables where table_name = 'customers'"
    ) == [(0,)]


def test_folder_that_cannot_be_read_stops_naming_each_file(tmp_path):
    """Three files broken three ways, read as UTF-8: one build, every problem in its message."""
    raw_dir = _copy(tmp_path, LATIN1)  # customers.csv stays Latin-1
    path = raw_dir / "order_lines.csv"
    path.write_text(path.read_text(encoding="latin-1").replace(",", ";"), encoding="utf-8")
    (raw_dir / "products.csv").write_text(
        "product_id,product_name,category,brand,unit_cost\nSKU1,a,b,c,d,e\nSKU2\n",
        encoding="utf-8",
    )
    build = build_warehouse(raw_dir, tmp_path / "build")
    for message in (
        "customers.csv: not valid utf-8 (first at line 3). The var raw_encoding sets the"
        " encoding of every file of the folder: if they all share this file's, set it, e.g."
        " --vars '{raw_encoding: latin-1}' or make build RAW_ENCODING=latin-1; if only some"
        " do, convert those to UTF-8",
        "order_lines.csv: wrong header, missing column(s) order_id, line_number",
        "the header has order_id;line_number;customer_id",
        "The header line holds no ',' but 9 ';': the file looks ';'-separated, and this"
        " format's files are ','-separated: save it again with that separator",
        "products.csv: no row could be parsed as CSV (2 line(s) after the header",
    ):
        _assert_stops_before_any_model(build, message)


def test_unknown_raw_encoding_is_a_clear_error(tmp_path):
    build = build_warehouse(LATIN1, tmp_path, extra_vars={"raw_encoding": "cp1252"})
    _assert_stops_before_any_model(
        build, "The var raw_encoding must be one of utf-8, latin-1, utf-16; got 'cp1252'"
    )
