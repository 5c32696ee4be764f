"""The amount macros of macros/cross_engine.sql on DuckDB, through `dbt show`: `line_amount` and
`converted_unit_price` round half away from zero as Python's Decimal does, on the 64-bit path
DuckDB takes where the product fits and on the 128-bit one past it, with the boundary between
them and products that overflow 64 bits."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from conftest import dbt_show_rows, run_dbt

# (quantity, unit price with 8 decimals): line_amount rounds to 4 decimals.
LINE_CASES = [
    (3, "0.00005000"),  # a half, up
    (-3, "0.00005000"),  # a half, away from zero
    (2, "12.34567890"),
    (89999, "99999.99999999"),  # just under the 64-bit path's bound (9e9)
    (-99999, "99999.99999999"),  # just over it
    (1000000, "12345.67891234"),  # past 64 bits in decimal(18, 8)
]

# (unit price with 4 decimals, rate with 10): converted_unit_price rounds to 8 decimals.
PRICE_CASES = [
    ("1.0000", "0.0000000150"),  # a half, up
    ("12.3456", "1.2345678901"),
    ("8999.0000", "1.0000000001"),  # just under the 64-bit path's bound (9,000)
    ("9000.0000", "1.0000000001"),  # just over it
    ("99999.0000", "1.5000000000"),  # past 64 bits in decimal(18, 14)
    ("250000.5000", "0.0000123457"),  # a large price, a small rate: the 64-bit path
]


def _show(sql: str, tmp_path) -> list[dict]:
    shown = run_dbt(
        ["show", "--inline", sql, "--limit", "100", "--output", "json", "--log-format", "json"],
        raw_dir=tmp_path,
        db_path=tmp_path / "warehouse.duckdb",
        target_dir=tmp_path / "target",
    )
    assert shown.returncode == 0, shown.stdout[-3000:]
    return dbt_show_rows(shown.stdout)


def test_amount_macros_round_half_away_from_zero_on_both_paths(tmp_path):
    lines = " union all ".join(
        f"select {n} as case_id, cast({q} as bigint) as quantity,"
        f" cast('{p}' as decimal(18, 8)) as unit_price_amount"
        for n, (q, p) in enumerate(LINE_CASES)
    )
    prices = " union all ".join(
        f"select {n} as case_id, cast('{p}' as decimal(18, 4)) as unit_price_amount,"
        f" cast('{r}' as decimal(18, 10)) as exchange_rate"
        for n, (p, r) in enumerate(PRICE_CASES)
    )
    sql = (
        "select 'line' as kind, case_id,"
        " cast({{ line_amount('quantity', 'unit_price_amount') }} as varchar) as amount"
        f" from ({lines}) as cases union all"
        " select 'price' as kind, case_id,"
        " cast({{ converted_unit_price('unit_price_amount', 'exchange_rate') }} as varchar)"
        f" from ({prices}) as cases order by kind, case_id"
    )
    shown = {(row["kind"], row["case_id"]): Decimal(row["amount"]) for row in _show(sql, tmp_path)}
    expected = {
        ("line", n): (q * Decimal(p)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        for n, (q, p) in enumerate(LINE_CASES)
    } | {
        ("price", n): (Decimal(p) * Decimal(r)).quantize(Decimal("0.00000001"), ROUND_HALF_UP)
        for n, (p, r) in enumerate(PRICE_CASES)
    }
    assert shown == expected
