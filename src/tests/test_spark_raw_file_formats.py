"""Raw files as real systems export them, on Spark: the cases of test_raw_file_formats.py that
Spark reads itself (a quoted line break, a comma and doubled quotes inside quotes, a row with
too many fields, a quote never closed, Latin-1 read with raw_encoding) and the folder that stops
the build in the project's words (a file that is not UTF-8, a ; delimiter, a file of which nothing
parses, the last with a byte-order mark and CRLF).

Run by `make test-spark` (SPARK_PARITY_DIR set, Java 17). One dbt run builds the staging,
quarantine and customer models of the excel_utf8 fixture, re-encoded as Latin-1, on a Spark
warehouse of its own; the tables are parquet files, read here with DuckDB. The fixture's last
order line opens a quote it never closes: Spark's multi-line reader reads such a quote to the
end of the file as a value, so spark__register_raw_files finds that record and quarantines it,
as DuckDB does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CUSTOMERS_MART, FIXTURES_DIR, run_spark_dbt, spark_table_query

pytestmark = [pytest.mark.dbt, pytest.mark.spark, pytest.mark.usefixtures("dbt_available")]

if not os.environ.get("SPARK_PARITY_DIR"):
    pytest.skip(
        "SPARK_PARITY_DIR is not set: run `make test-spark` (needs Java 17)",
        allow_module_level=True,
    )

EXCEL_UTF8 = FIXTURES_DIR / "raw_file_formats" / "excel_utf8"


@pytest.fixture(scope="module")
def latin1_raw(tmp_path_factory) -> Path:
    """excel_utf8 as a Windows export would write it: Latin-1, no byte-order mark, CRLF kept."""
    raw_dir = tmp_path_factory.mktemp("spark_raw_formats") / "raw"
    raw_dir.mkdir()
    for path in EXCEL_UTF8.glob("*.csv"):
        text = path.read_bytes().decode("utf-8-sig")
        (raw_dir / path.name).write_bytes(text.encode("latin-1"))
    return raw_dir


@pytest.fixture(scope="module")
def spark_tables(latin1_raw, tmp_path_factory):
    """Query a table the Spark run wrote (parquet under its warehouse folder) with DuckDB."""
    work_dir = tmp_path_factory.mktemp("spark_raw_formats_build")
    done = run_spark_dbt(
        ["build", "--select", "+quarantine", "+raw_file_reconciliation", f"+{CUSTOMERS_MART}"]
        + ["--resource-type", "model", "--resource-type", "seed"],
        raw_dir=latin1_raw,
        work_dir=work_dir,
        extra_vars={"raw_encoding": "latin-1"},
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return spark_table_query(work_dir)


def test_quoted_line_break_and_latin1_arrive_intact_on_spark(spark_tables):
    rows = spark_tables("select customer_id, city from customers order by 1", "customers")
    assert rows == [("X1", "New York,\nNY"), ("X2", "Zürich")]


def test_each_broken_row_is_quarantined_with_its_reason_on_spark(spark_tables):
    rows = spark_tables(
        "select source_file, reason_code, sum(affected_row_count) from quarantine"
        " group by all order by all",
        "quarantine",
    )
    assert rows == [
        ("customers.csv", "unparseable_row", 1),
        ("order_lines.csv", "invalid_decimal", 1),
        ("order_lines.csv", "invalid_integer", 1),
        ("order_lines.csv", "invalid_timestamp", 1),
        ("order_lines.csv", "unparseable_row", 1),
    ]
    rows = spark_tables(
        "select source_file, raw_record from quarantine where reason_code = 'unparseable_row'"
        " order by 1",
        "quarantine",
    )
    assert rows == [
        ("customers.csv", "X3,2023-03-01,1985,F,30000,,,UK,Leeds,extra field,another"),
        ("order_lines.csv", 'R5,1,X1,2023-03-10 10:00:00,SKU1,1,10.00,,web,"PROMO'),
    ]


def test_row_counts_are_records_not_lines_on_spark(spark_tables):
    rows = spark_tables(
        "select source_file, raw_row_count, clean_row_count, rejected_row_count, is_reconciled"
        " from raw_file_reconciliation where is_file_present order by 1",
        "raw_file_reconciliation",
    )
    assert rows == [
        ("customers.csv", 3, 2, 1, True),
        ("order_lines.csv", 6, 2, 4, True),
        ("products.csv", 1, 1, 0, True),
    ]


def test_folder_that_cannot_be_read_stops_naming_each_file_on_spark(latin1_raw, tmp_path):
    """The DuckDB test's three broken files, read as UTF-8, in one run: Latin-1 customers, a ;
    delimiter, and a file of which nothing parses. That last file also starts with a UTF-8
    byte-order mark and ends its lines with CRLF: were the mark kept in the header, the check
    would report a missing product_id instead of the unparseable rows."""
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    (raw_dir / "customers.csv").write_bytes((latin1_raw / "customers.csv").read_bytes())
    order_lines = (latin1_raw / "order_lines.csv").read_bytes().decode("latin-1")
    (raw_dir / "order_lines.csv").write_text(order_lines.replace(",", ";"), encoding="utf-8")
    (raw_dir / "products.csv").write_bytes(
        "product_id,product_name,category,brand,unit_cost\r\nSKU1,a,b,c,d,e\r\nSKU2\r\n".encode(
            "utf-8-sig"
        )
    )
    done = run_spark_dbt(
        ["run", "--select", "stg_canonical__products"], raw_dir=raw_dir, work_dir=tmp_path
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    for message in (
        "customers.csv: not valid utf-8 (first at line 4). The var raw_encoding sets",
        "order_lines.csv: wrong header, missing column(s) order_id, line_number",
        "products.csv: no row could be parsed as CSV (2 line(s) after the header",
    ):
        assert message in done.stdout, done.stdout[-3000:]
