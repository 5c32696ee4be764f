"""What the Online Retail tests on both engines share: the edge-case fixture rewritten as UCI
publishes the file, and the table of slash-date cases with the order and value each must get."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from conftest import FIXTURES_DIR

EDGE_CASES = FIXTURES_DIR / "online_retail_edge_cases"
SECOND_EDITION_NAMES = {"InvoiceNo": "Invoice", "UnitPrice": "Price", "CustomerID": "Customer ID"}


def as_uci_publishes_it(source: Path, out_dir: Path) -> Path:
    """The fixture as UCI's workbooks and their CSV copies write it: dates `12/1/2010 8:26`, ids
    as integers, and (Online Retail II, the second edition) its column names and file name."""
    out_dir.mkdir(parents=True)
    written = out_dir / "online_retail_II.csv"
    with source.open(newline="") as read, written.open("w", newline="") as write:
        rows = csv.reader(read)
        writer = csv.writer(write)
        header = next(rows)
        writer.writerow([SECOND_EDITION_NAMES.get(name, name) for name in header])
        date, customer = header.index("InvoiceDate"), header.index("CustomerID")
        for row in rows:
            at = dt.datetime.fromisoformat(row[date])
            row[date] = f"{at.month}/{at.day}/{at.year} {at.hour}:{at.minute:02d}"
            row[customer] = row[customer].removesuffix(".0")
            writer.writerow(row)
    return out_dir


SLASH_DATES = {  # a file's dates: the order they show, and how each is read
    "month_first": [("12/13/2010 17:05", "2010-12-13 17:05:00"), ("2/30/2011 8:26", None)],
    "day_first": [
        ("13/12/2010 17:05:09", "2010-12-13 17:05:09"),
        ("1/2/2011", "2011-02-01 00:00:00"),
    ],
    "mixed": [("13/12/2010 17:05", None), ("12/13/2010 8:26", None)],
    "month_first_assumed": [
        ("12/1/2010 8:26", "2010-12-01 08:26:00"),
        ("8/12/2011", "2011-08-12 00:00:00"),
    ],
    "none": [("2010-12-01 08:26:00", None)],
}


def slash_dates_sql() -> str:
    """One query for `dbt show --inline`: every case's file gets its order from
    slash_date_order, and each date is read by parse_slash_timestamp in that order."""
    values = ", ".join(
        f"('{name}', {position}, '{text}')"
        for name, dates in SLASH_DATES.items()
        for position, (text, _) in enumerate(dates)
    )
    orders = " union all ".join(
        f"select '{name}' as file_name, slash_date_order from ("
        f"{{{{ slash_date_order(\"(select * from files where file_name = '{name}')\","
        " 'raw_date') }} ) as decided"
        for name in SLASH_DATES
    )
    read_as = "{{ parse_slash_timestamp('files.raw_date', 'orders.slash_date_order') }}"
    return (
        f"with files as (select * from (values {values}) as t(file_name, position, raw_date)),"
        f" orders as ({orders})"
        " select files.file_name, files.position, orders.slash_date_order,"
        f" cast({read_as} as {{{{ dbt.type_string() }}}}) as read_as"
        " from files inner join orders on files.file_name = orders.file_name order by 1, 2"
    )


def slash_dates_as_read(rows: list[dict]) -> dict[str, list[tuple]]:
    """The preview's rows as {file: [(order, value read), ...]}, to compare with SLASH_DATES."""
    got: dict[str, list[tuple]] = {}
    for row in rows:
        got.setdefault(row["file_name"], []).append((row["slash_date_order"], row["read_as"]))
    return got


EXPECTED_SLASH_DATES = {
    name: [(name, read) for _, read in dates] for name, dates in SLASH_DATES.items()
}
