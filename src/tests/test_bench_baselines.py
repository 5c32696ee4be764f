"""The benchmark's baselines give the marts' figures.

`make bench` times bench/floor_plain.py (DuckDB's typed reader and one pass of SQL; it matches the
marts on clean data only, as it quarantines nothing), bench/floor_duckdb.py (the same with the
warehouse's parsing and rejection rules, no dbt) and
bench/pandas_rfm_engagement.py (the notebook way) against the dbt build of customer_rfm and
customer_engagement; the comparison is only fair if they compute the same numbers. Each runs
as the benchmark runs it, a separate process, on the raw folder of a built warehouse, and
every column must equal the mart's: exactly for integers, decimals, dates and text, within a
tight tolerance for averages and rates, null where the mart is null.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import PROJECT_DIR, Build, assert_succeeded, run_dbt

from customer_segmentation.demo_data import generate

# A second build of its own and three baseline processes: make test, not make test-fast.
pytestmark = pytest.mark.dbt

BENCH_DIR = PROJECT_DIR / "bench"
MARTS = ("customer_rfm", "customer_engagement")
CLEAN_AS_OF_DATE = "2024-07-01"
# Averages and rates are doubles; the baselines may add them up in another order.
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory, dbt_available) -> Build:
    """A clean folder with currencies, built only as far as the two marts, as of a date set
    mid-history, so the as_of_date parameter is checked as well as the default."""
    work_dir = tmp_path_factory.mktemp("bench_clean")
    raw_dir = work_dir / "raw"
    generate(raw_dir, 800, 5, currencies=True, dirty=False, progress=False)
    paths = {
        "raw_dir": raw_dir,
        "db_path": work_dir / "warehouse.duckdb",
        "target_dir": work_dir / "target",
    }
    selection = ["--select", *(f"+{mart}" for mart in MARTS)]
    result = run_dbt(
        ["build", *selection, "--exclude-resource-type", "test", "unit_test"],
        extra_vars={"as_of_date": CLEAN_AS_OF_DATE},
        **paths,
    )
    build = Build(result=result, **paths)
    assert_succeeded(build)
    return build


def run_baseline(baseline: str, raw_dir: Path, out: Path, as_of_date: str | None) -> str:
    """Run one baseline's command line; the prefix of the tables it leaves in `out`."""
    if baseline == "floor":
        command = [BENCH_DIR / "floor_duckdb.py", "--raw-dir", raw_dir, "--db", out]
    elif baseline == "plain":
        command = [BENCH_DIR / "floor_plain.py", "--raw-dir", raw_dir, "--db", out]
    else:
        command = [BENCH_DIR / "pandas_rfm_engagement.py", "--raw-dir", raw_dir, "--out", out]
    if as_of_date:
        command += ["--as-of-date", as_of_date]
    result = subprocess.run(
        [sys.executable, *map(str, command)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{baseline} failed:\n{result.stdout}\n{result.stderr[-3000:]}"
    assert "elapsed_seconds:" in result.stdout
    return baseline


def read_table(db_path: Path, table: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table as a frame, and its column types as DuckDB has them."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        types = dict(
            connection.execute(
                f"select column_name, column_type from (describe {table})"
            ).fetchall()
        )
        return connection.execute(f"select * from {table}").df(), types


def column_mismatches(expected: pd.Series, actual: pd.Series, column_type: str) -> pd.Series:
    """Where the two differ; a null equals only a null."""
    both_present = expected.notna() & actual.notna()
    if column_type in ("DOUBLE", "FLOAT"):
        same = np.isclose(
            expected.astype("float64"), actual.astype("float64"), rtol=RELATIVE_TOLERANCE, atol=0
        )
    elif column_type.startswith("DECIMAL"):
        scale = int(column_type.rstrip(")").split(",")[1])
        same = (expected.astype("float64") * 10**scale).round() == (
            actual.astype("float64") * 10**scale
        ).round()
    elif column_type in ("DATE", "TIMESTAMP"):
        same = pd.to_datetime(expected) == pd.to_datetime(actual)
    elif column_type in ("BIGINT", "INTEGER", "HUGEINT"):
        same = expected.astype("float64") == actual.astype("float64")
    else:
        same = expected.astype(str) == actual.astype(str)
    same = pd.Series(same, index=expected.index).fillna(False).astype(bool)
    return ~((expected.isna() & actual.isna()) | (both_present & same))


def assert_same_figures(mart: str, marts_db: Path, baseline: str, baseline_db: Path) -> None:
    expected, types = read_table(marts_db, mart)
    actual, _ = read_table(baseline_db, f"{baseline}_{mart}")
    assert len(expected) > 0, f"{mart} is empty: the fixture checks nothing"
    missing = sorted(set(types) - set(actual.columns))
    assert not missing, f"{baseline}_{mart} lacks the column(s) {missing}"
    only_mart = sorted(set(expected["customer_id"]) - set(actual["customer_id"]))
    only_baseline = sorted(set(actual["customer_id"]) - set(expected["customer_id"]))
    assert not only_mart and not only_baseline, (
        f"{baseline}_{mart} has other customers than {mart}: {len(only_mart)} missing "
        f"(e.g. {only_mart[:3]}), {len(only_baseline)} extra (e.g. {only_baseline[:3]})"
    )
    assert actual["customer_id"].is_unique, f"{baseline}_{mart} repeats customers"
    joined = expected.merge(actual, on="customer_id", suffixes=("_mart", "_baseline"))
    problems = []
    for column, column_type in types.items():
        if column == "customer_id":
            continue
        wrong = column_mismatches(
            joined[f"{column}_mart"], joined[f"{column}_baseline"], column_type
        )
        if wrong.any():
            sample = joined[wrong].iloc[0]
            problems.append(
                f"{column} ({column_type}): {int(wrong.sum())} of {len(joined)} customers differ, "
                f"e.g. {sample['customer_id']}: mart {sample[f'{column}_mart']!r}, "
                f"{baseline} {sample[f'{column}_baseline']!r}"
            )
    assert not problems, f"{baseline}_{mart} differs from {mart}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("baseline", ["floor", "pandas"])
@pytest.mark.parametrize(
    ("build_fixture", "as_of_date"),
    [("demo_build", None), ("clean_build", CLEAN_AS_OF_DATE)],
    ids=["dirty_demo", "clean_as_of_date"],
)
def test_baseline_gives_the_marts_figures(request, build_fixture, as_of_date, baseline, tmp_path):
    build: Build = request.getfixturevalue(build_fixture)
    out = tmp_path / f"{baseline}.duckdb"
    prefix = run_baseline(baseline, build.raw_dir, out, as_of_date)
    for mart in MARTS:
        assert_same_figures(mart, build.db_path, prefix, out)


def test_plain_floor_gives_the_marts_figures_on_clean_data(clean_build, tmp_path):
    """The plain floor (typed reader, no quarantine) matches the marts where there is nothing
    to quarantine: a clean folder, with currencies and a set as-of date."""
    out = tmp_path / "plain.duckdb"
    prefix = run_baseline("plain", clean_build.raw_dir, out, CLEAN_AS_OF_DATE)
    for mart in MARTS:
        assert_same_figures(mart, clean_build.db_path, prefix, out)
