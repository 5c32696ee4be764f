"""Write the segment audiences as one CSV per segment, the files a marketing tool imports.

Reads the `segment_audiences` mart from the warehouse opened read-only, so an export can run
beside dbt or an analyst's session without taking the write lock or changing anything.

- One file per segment, `segment_<id>_<slug of name>.csv` (ascii, lowercase, underscores),
  because segment names hold spaces, en dashes and commas that marketing tools and shells
  mishandle. The id keeps two segments whose names slugify alike apart.
- Rows sorted by customer_id and values written as text by one fixed rule, so the same
  warehouse gives byte-identical files and a diff of two exports shows only real changes.
- Customers whose `has_marketing_consent` is false are left out unless
  `--include-no-consent`: an audience file is what gets contacted. Only an explicit `false`
  is left out; unknown consent (null) is kept and counted with the rest.
- Earlier `segment_*.csv` files and `manifest.csv` in the output folder are removed first, so a
  segment that no longer exists leaves no file to be imported by mistake. Other files there are
  not touched.
- `manifest.csv` lists every file written with its row and exclusion counts.
- Each planned campaign with an audience (`campaign_audiences`) gets `treatment_<campaign>.csv`,
  whom to send to (without refused consent, as above), and `control_<campaign>.csv`, whom to
  hold out: everyone, since the tool must suppress them all. The lists come from the frozen
  audience, so a re-export after later builds writes the same customers in the same groups.

    python -m customer_segmentation.export --db warehouse.duckdb --out reports/audiences
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb

TABLE = "segment_audiences"
COLUMNS = (
    "customer_id",
    "segment_id",
    "segment_name",
    "segment_archetype",
    "recommended_action",
    "channel",
    "has_marketing_consent",
    "as_of_date",
)
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "file",
    "segment_id",
    "segment_name",
    "rows",
    "excluded_no_consent",
    "campaign_id",
    "campaign_group",
)
SEGMENT_FILE_GLOB = "segment_*.csv"
CAMPAIGN_TABLE = "campaign_audiences"
CAMPAIGN_COLUMNS = (
    "customer_id",
    "campaign_id",
    "campaign_group",
    "segment_id",
    "segment_name",
    "segment_snapshot_date",
    "planned_send_date",
)
CAMPAIGN_FILE_GLOBS = ("treatment_*.csv", "control_*.csv")


class ExportError(RuntimeError):
    """The warehouse cannot be exported (missing file, table, column or a broken segment)."""


@dataclass(frozen=True)
class SegmentFile:
    """One audience file as written."""

    file: str
    segment_id: int | None
    segment_name: str
    rows: int
    excluded_no_consent: int
    campaign_id: str = ""
    campaign_group: str = ""


def slugify(text: str) -> str:
    """ascii, lowercase, runs of anything else as one underscore: 'Loyal – Big, Web' ->
    'loyal_big_web'. Accents are folded ('é' -> 'e'); other non-ascii characters are dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def segment_file_name(segment_id: int, segment_name: str) -> str:
    """`segment_03_at_risk_high_spenders.csv`; the id is zero-padded so files list in id order."""
    slug = slugify(segment_name)
    return f"segment_{segment_id:02d}" + (f"_{slug}" if slug else "") + ".csv"


def _columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The table's columns in the warehouse's default schema; empty when there is no table."""
    found = connection.execute(
        "select column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema = current_schema() "
        "and table_name = ?",
        [table],
    ).fetchall()
    return {name for (name,) in found}


def _check_columns(db_path: Path, table: str, found: set[str], expected: tuple[str, ...]) -> None:
    missing = sorted(set(expected) - found)
    if missing:
        raise ExportError(f"{db_path}: table {table!r} lacks column(s) {', '.join(missing)}")


def _check_table(connection: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    found = _columns(connection, TABLE)
    if not found:
        raise ExportError(f"{db_path} has no table {TABLE!r}: run `dbt build` first")
    _check_columns(db_path, TABLE, found, COLUMNS)


def _segments(connection: duckdb.DuckDBPyConnection, db_path: Path) -> list[tuple[int, str]]:
    """(segment_id, segment_name) pairs, one name per id, in id order."""
    pairs = connection.execute(
        f"select distinct segment_id, segment_name from {TABLE} order by segment_id, segment_name"
    ).fetchall()
    ids = [segment_id for segment_id, _ in pairs]
    if any(segment_id is None for segment_id in ids):
        raise ExportError(f"{db_path}: {TABLE} has rows without a segment_id")
    if any(name is None for _, name in pairs):
        raise ExportError(f"{db_path}: {TABLE} has rows without a segment_name")
    doubled = sorted({segment_id for segment_id in ids if ids.count(segment_id) > 1})
    if doubled:
        raise ExportError(f"{db_path}: {TABLE} gives several names to segment_id(s) {doubled}")
    return [(int(segment_id), str(name)) for segment_id, name in pairs]


def _audience_rows(
    connection: duckdb.DuckDBPyConnection, segment_id: int, include_no_consent: bool
) -> tuple[list[tuple], int]:
    """The segment's rows as text (nulls as ''), and how many were left out for consent.

    DuckDB casts each value to text so booleans read 'true'/'false' and dates 'YYYY-MM-DD' no
    matter what pandas or the csv module would do; sorting is on the raw columns so numeric
    customer ids sort as numbers.
    """
    as_text = ", ".join(f"coalesce(cast({column} as varchar), '')" for column in COLUMNS)
    keep = "true" if include_no_consent else "has_marketing_consent is distinct from false"
    rows = connection.execute(
        f"select {as_text} from {TABLE} where segment_id = ? and {keep} "
        f"order by {', '.join(f'{column} nulls last' for column in COLUMNS)}",
        [segment_id],
    ).fetchall()
    excluded = 0
    if not include_no_consent:
        (excluded,) = connection.execute(
            f"select count(*) from {TABLE} where segment_id = ? and has_marketing_consent = false",
            [segment_id],
        ).fetchone()
    return rows, int(excluded)


def _campaign_lists(
    connection: duckdb.DuckDBPyConnection, db_path: Path, include_no_consent: bool
) -> list[tuple[SegmentFile, list[tuple]]]:
    """(file, rows) per campaign and group; none for a warehouse built before campaigns."""
    found = _columns(connection, CAMPAIGN_TABLE)
    if not found:
        return []
    _check_columns(db_path, CAMPAIGN_TABLE, found, CAMPAIGN_COLUMNS)
    as_text = ", ".join(f"coalesce(cast(c.{column} as varchar), '')" for column in CAMPAIGN_COLUMNS)
    refused = "c.campaign_group = 'treatment' and a.has_marketing_consent = false"
    keep = "true" if include_no_consent else f"not coalesce({refused}, false)"
    lists = []
    groups = connection.execute(
        f"select distinct campaign_id, campaign_group from {CAMPAIGN_TABLE} order by all"
    ).fetchall()
    for campaign_id, group in groups:
        query = (
            f"from {CAMPAIGN_TABLE} as c left join {TABLE} as a on c.customer_id = a.customer_id"
            " where c.campaign_id = ? and c.campaign_group = ?"
        )
        rows = connection.execute(
            f"select {as_text} {query} and {keep} order by c.customer_id", [campaign_id, group]
        ).fetchall()
        (excluded,) = connection.execute(
            f"select count(*) {query} and not ({keep})", [campaign_id, group]
        ).fetchone()
        name = f"{group}_{slugify(campaign_id) or 'campaign'}.csv"
        lists.append((SegmentFile(name, None, "", len(rows), excluded, campaign_id, group), rows))
    return lists


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def export_audiences(
    db_path: Path | str, out_dir: Path | str, *, include_no_consent: bool = False
) -> list[SegmentFile]:
    """Write one audience CSV per segment and `manifest.csv` into `out_dir`; return the files.

    Everything is read before the output folder is touched, so a failed export leaves the
    previous one in place.
    """
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.is_file():
        raise ExportError(f"{db_path} is missing: build the warehouse with `dbt build` first")
    try:
        connection = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise ExportError(f"{db_path} cannot be opened read-only: {error}") from error
    with connection:
        _check_table(connection, db_path)
        audiences = []
        for segment_id, segment_name in _segments(connection, db_path):
            rows, excluded = _audience_rows(connection, segment_id, include_no_consent)
            audiences.append((segment_id, segment_name, rows, excluded))
        campaign_lists = _campaign_lists(connection, db_path, include_no_consent)

    files = [
        SegmentFile(segment_file_name(segment_id, name), segment_id, name, len(rows), excluded)
        for segment_id, name, rows, excluded in audiences
    ]
    names = [written.file for written in files + [file for file, _ in campaign_lists]]
    if len(set(names)) != len(names):
        raise ExportError(f"{db_path}: two segments or campaigns map to one file name in {names}")

    out_dir.mkdir(parents=True, exist_ok=True)
    stale_globs = (SEGMENT_FILE_GLOB, *CAMPAIGN_FILE_GLOBS)
    for stale in [path for glob in stale_globs for path in sorted(out_dir.glob(glob))]:
        stale.unlink()
    (out_dir / MANIFEST).unlink(missing_ok=True)
    for written, (_, _, rows, _) in zip(files, audiences, strict=True):
        _write_csv(out_dir / written.file, COLUMNS, rows)
    for written, rows in campaign_lists:
        _write_csv(out_dir / written.file, CAMPAIGN_COLUMNS, rows)
    files += [written for written, _ in campaign_lists]
    _write_csv(
        out_dir / MANIFEST,
        MANIFEST_COLUMNS,
        [
            (w.file, "" if w.segment_id is None else w.segment_id, w.segment_name, w.rows)
            + (w.excluded_no_consent, w.campaign_id, w.campaign_group)
            for w in files
        ],
    )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("warehouse.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("reports/audiences"))
    parser.add_argument(
        "--include-no-consent",
        action="store_true",
        help="keep customers whose has_marketing_consent is false (e.g. for suppression lists)",
    )
    args = parser.parse_args(argv)
    try:
        files = export_audiences(args.db, args.out, include_no_consent=args.include_no_consent)
    except ExportError as error:
        print(error, file=sys.stderr)
        return 2
    for w in files:
        what = (
            f"campaign {w.campaign_id} {w.campaign_group}"
            if w.campaign_id
            else f"segment {w.segment_id} '{w.segment_name}'"
        )
        print(
            f"{w.file}: {what}, {w.rows} rows written, "
            f"{w.excluded_no_consent} left out (no marketing consent)"
        )
    print(
        f"Total: {sum(w.rows for w in files)} rows in {len(files)} file(s), "
        f"{sum(w.excluded_no_consent for w in files)} left out for consent; "
        f"manifest at {args.out / MANIFEST}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
