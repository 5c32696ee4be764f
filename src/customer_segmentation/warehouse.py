"""Read the built marts for figures and the report, over a read-only DuckDB connection.

A table or column that a data set does not have (an optional raw file, a mart another
feature has not built yet) is not an error here: `NoData` says what is missing, and the
caller draws or writes a labelled "no data" panel instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd


class WarehouseError(RuntimeError):
    """The warehouse file cannot be read at all (missing, locked, not built)."""


class NoData(Exception):
    """A figure or report part has no input; the message says what is missing, in words."""


@dataclass(frozen=True)
class BuildIdentity:
    """Which build the marts describe: its `as_of_date` and the segmentation run's fingerprint
    (null when the segmentation did not record a run for that date)."""

    as_of_date: str | None
    data_fingerprint: str | None
    scored_customer_count: int | None
    # The published build (build_manifest's latest row); None for a file built with plain dbt.
    build_id: str | None = None


class Warehouse:
    """The marts of one DuckDB file, opened read-only (no write lock, nothing changed)."""

    def __init__(self, db_path: Path | str, schema: str = "main") -> None:
        self.db_path = Path(db_path)
        if not self.db_path.is_file():
            raise WarehouseError(f"{self.db_path} is missing: build the warehouse first")
        try:
            self._connection = duckdb.connect(str(self.db_path), read_only=True)
        except duckdb.Error as error:
            raise WarehouseError(f"{self.db_path} cannot be opened read-only: {error}") from error
        self.schema = schema
        rows = self._connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and table_schema = ?",
            [schema],
        ).fetchall()
        self._columns: dict[str, set[str]] = {}
        for table, column in rows:
            self._columns.setdefault(table, set()).add(column)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def has(self, table: str, columns: Iterable[str] = ()) -> bool:
        return table in self._columns and set(columns) <= self._columns[table]

    def columns(self, table: str) -> set[str]:
        return set(self._columns.get(table, set()))

    def require(self, table: str, columns: Iterable[str] = ()) -> None:
        """Raise `NoData` naming the table or the columns the warehouse lacks."""
        if table not in self._columns:
            raise NoData(f"table {table} is not in this warehouse")
        missing = sorted(set(columns) - self._columns[table])
        if missing:
            raise NoData(f"{table} has no column(s) {', '.join(missing)}")

    def query(
        self, sql: str, needs: dict[str, Iterable[str]], params: list | None = None
    ) -> pd.DataFrame:
        """Run `sql` after checking every table and column it needs; an empty result is
        `NoData` too, so every caller treats "absent" and "empty" alike."""
        for table, columns in needs.items():
            self.require(table, columns)
        frame = self._connection.execute(sql, params or []).df()
        if frame.empty:
            raise NoData(f"{', '.join(needs)} has no rows")
        return frame

    def table(
        self, table: str, columns: Iterable[str], order_by: str | None = None
    ) -> pd.DataFrame:
        columns = list(columns)
        order = f" order by {order_by}" if order_by else ""
        return self.query(
            f"select {', '.join(columns)} from {self.schema}.{table}{order}", {table: columns}
        )

    def identity(self) -> BuildIdentity:
        """The build's as-of date (every customer mart carries it) and, from
        `segmentation_runs`, the fingerprint of the data that run was fitted on."""
        as_of_date = None
        for table in ("customer_segments", "customers"):
            if self.has(table, ["as_of_date"]):
                (value,) = self._connection.execute(
                    f"select max(as_of_date) from {self.schema}.{table}"
                ).fetchone()
                if value is not None:
                    as_of_date = str(value)[:10]
                    break
        fingerprint, scored = None, None
        run_columns = ["as_of_date", "data_fingerprint", "scored_customer_count"]
        if as_of_date and self.has("segmentation_runs", run_columns):
            row = self._connection.execute(
                f"select data_fingerprint, scored_customer_count "
                f"from {self.schema}.segmentation_runs where as_of_date = cast(? as date)",
                [as_of_date],
            ).fetchone()
            if row:
                fingerprint = row[0]
                scored = None if row[1] is None else int(row[1])
        build_id = None
        if self.has("build_manifest", ["build_id", "published_at"]):
            row = self._connection.execute(
                f"select build_id from {self.schema}.build_manifest "
                "order by published_at desc limit 1"
            ).fetchone()
            build_id = row[0] if row else None
        return BuildIdentity(as_of_date, fingerprint, scored, build_id)
