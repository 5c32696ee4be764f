"""The long fit tables of the dbt Python models (`int_clv_fit`, `int_segmentation_fit`) as
DuckDB relations: each part of a table is a pandas frame holding only the columns it fills, and
DuckDB gives every part the table's full typed schema and unions them. At a million customers
this spares the models a wide pandas table of mostly-null nullable columns beside the build's
own DuckDB; on Spark the fit modules assemble the same tables in pandas.
"""

from __future__ import annotations

# pandas dtype of a fit table's column -> its SQL type.
SQL_TYPES = {
    "string": "varchar",
    "boolean": "boolean",
    "Int64": "bigint",
    "float64": "double",
    "Float64": "double",
}


def typed_relation(session, frame, schema: dict[str, str], computed: dict[str, str] | None = None):
    """`frame` as a relation on `session` with exactly the columns of `schema` (name to pandas
    dtype, in order): each computed by its SQL expression in `computed`, read from the frame,
    or null, and cast to its SQL type, so parts of one table union by position."""
    computed = computed or {}
    select_list = ", ".join(
        f"cast({computed.get(column, column if column in frame.columns else 'null')} as "
        f"{SQL_TYPES[dtype]}) as {column}"
        for column, dtype in schema.items()
    )
    return session.from_df(frame).project(select_list)
