"""Shared helpers for tests that build the warehouse with dbt.

Each build gets its own DuckDB file and its own dbt target and log folders under pytest's
tmp_path, so tests never touch the user's warehouse.duckdb or target/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from customer_segmentation.demo_data import generate
from customer_segmentation.plots import FigureManifest, write_figures
from customer_segmentation.predicted_value import clv_data
from customer_segmentation.report import render_report

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
# Public data sets beside the project (read in place, never copied in); CI has them.
SHARED_DATA_DIR = PROJECT_DIR.parent / "shared" / "data"
DBT = Path(sys.executable).parent / "dbt"


@dataclass(frozen=True)
class Build:
    """A warehouse built from one raw folder."""

    raw_dir: Path
    db_path: Path
    target_dir: Path
    result: subprocess.CompletedProcess

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as connection:
            return connection.execute(sql).fetchall()


def _dbt(
    args: list[str], *, raw_dir: Path, target_dir: Path, extra_vars: dict | None, env: dict
) -> subprocess.CompletedProcess:
    """A dbt command on the project with raw_dir and extra_vars as vars, its target and logs in
    target_dir, and env added to this process's environment."""
    dbt_vars = {"raw_dir": str(raw_dir), **(extra_vars or {})}
    return subprocess.run(
        [str(DBT), *args, "--vars", json.dumps(dbt_vars)],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "DBT_TARGET_PATH": str(target_dir),
            "DBT_LOG_PATH": str(target_dir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=900,
    )


def run_dbt(
    args: list[str],
    *,
    raw_dir: Path,
    db_path: Path,
    target_dir: Path,
    extra_vars: dict | None = None,
) -> subprocess.CompletedProcess:
    return _dbt(
        args,
        raw_dir=raw_dir,
        target_dir=target_dir,
        extra_vars=extra_vars,
        env={"DUCKDB_PATH": str(db_path)},
    )


def run_spark_dbt(
    args: list[str], *, raw_dir: Path, work_dir: Path, extra_vars: dict | None = None
) -> subprocess.CompletedProcess:
    """A dbt command on the spark target (local[2]), with a Spark warehouse, metastore and dbt
    target of its own under work_dir; needs Java 17 and requirements-spark.txt."""
    return _dbt(
        [*args, "--target", "spark"],
        raw_dir=raw_dir,
        target_dir=work_dir / "target",
        extra_vars=extra_vars,
        env={"SPARK_DIR": str(work_dir / "spark"), "SPARK_LOCAL_IP": "127.0.0.1"},
    )


def spark_table_query(work_dir: Path):
    """`query(sql, *tables)`: DuckDB SQL over tables a run_spark_dbt run wrote into work_dir
    (parquet files under its warehouse folder, one folder per schema), each table a view of
    its own name."""
    warehouse = work_dir / "spark" / "warehouse"

    def query(sql: str, *tables: str) -> list[tuple]:
        with duckdb.connect() as connection:
            for table in tables:
                [folder] = warehouse.glob(f"customer_segmentation*.db/{table}")
                files = str(folder / "*.parquet")
                connection.execute(f"create view {table} as select * from read_parquet('{files}')")
            return connection.execute(sql).fetchall()

    return query


def dbt_show_rows(stdout: str) -> list[dict]:
    """The rows of `dbt show --output json --log-format json`, from its preview event."""
    return next(
        json.loads(event["data"]["preview"])
        for event in (json.loads(line) for line in stdout.splitlines() if line.startswith("{"))
        if event.get("data", {}).get("preview")
    )


def build_warehouse(
    raw_dir: Path,
    work_dir: Path,
    *,
    extra_vars: dict | None = None,
    docs: bool = False,
    build_args: tuple[str, ...] = (),
) -> Build:
    """`dbt build` (with build_args, e.g. a selection, and optionally `dbt docs generate
    --static`, which also writes the one-file site `static_index.html`) of raw_dir into
    work_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "raw_dir": raw_dir,
        "db_path": work_dir / "warehouse.duckdb",
        "target_dir": work_dir / "target",
    }
    result = run_dbt(["build", *build_args], extra_vars=extra_vars, **paths)
    if docs and result.returncode == 0:
        result = run_dbt(["docs", "generate", "--static"], extra_vars=extra_vars, **paths)
    return Build(result=result, **paths)


def shared_data_file(folder: str, file_name: str) -> Path:
    """A file of the shared data sets, or skip the test saying which is absent."""
    path = SHARED_DATA_DIR / folder / file_name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared {folder} data is not on this machine")
    return path


def marketing_campaign_resaved(raw_dir: Path) -> Path:
    """The shared marketing_campaign file as a spreadsheet with a semicolon list separator
    re-saves it (PROVENANCE.md names such copies): semicolons, a byte-order mark, CRLF line
    ends and `Dt_Customer` as `9/4/2012`, written into raw_dir."""
    raw = pd.read_csv(
        shared_data_file("marketing_campaign", "marketing_campaign.csv"),
        sep="\t",
        dtype=str,
        keep_default_na=False,
    )
    resaved = raw.assign(
        Dt_Customer=pd.to_datetime(raw["Dt_Customer"], format="%d-%m-%Y").map(
            lambda day: f"{day.month}/{day.day}/{day.year}"
        )
    )
    raw_dir.mkdir(parents=True)
    resaved.to_csv(
        raw_dir / "marketing_campaign.csv",
        sep=";",
        index=False,
        encoding="utf-8-sig",
        lineterminator="\r\n",
    )
    return raw_dir


def build_raw_format(raw_dir: Path, raw_format: str, work_dir: Path) -> Build:
    """`dbt build` and `dbt docs generate` of a folder in another raw format; must succeed."""
    build = build_warehouse(raw_dir, work_dir, extra_vars={"raw_format": raw_format}, docs=True)
    assert_succeeded(build)
    return build


def assert_succeeded(build: Build) -> None:
    output = f"{build.result.stdout[-6000:]}\n{build.result.stderr[-2000:]}"
    assert build.result.returncode == 0, f"dbt failed on {build.raw_dir}:\n{output}"


@pytest.fixture(scope="session", autouse=True)
def own_dbt_target(tmp_path_factory):
    """A dbt run that names no target folder (backfill, publish) writes into this pytest
    process's own one, never the project's target/: pytest runs two processes at once."""
    target_dir = tmp_path_factory.mktemp("dbt_target")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DBT_TARGET_PATH", str(target_dir))
        env.setenv("DBT_LOG_PATH", str(target_dir / "logs"))
        yield


@pytest.fixture(scope="session")
def dbt_available() -> None:
    if not DBT.exists():
        pytest.skip(f"dbt is not installed beside {sys.executable}; run `make test`")


# The dirty demo that several modules read (quarantine, docs, figures, report, browser): built
# once per session, with currencies on so exchange rates and the missing-rate rule run too.
DEMO_CUSTOMERS = 2000
DEMO_SEED = 11


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    raw_dir = tmp_path_factory.mktemp("demo") / "raw"
    counts = generate(raw_dir, DEMO_CUSTOMERS, DEMO_SEED, currencies=True, progress=False)
    return raw_dir, counts


@pytest.fixture(scope="session")
def demo_build(demo, tmp_path_factory, dbt_available) -> Build:
    raw_dir, _ = demo
    build = build_warehouse(raw_dir, tmp_path_factory.mktemp("demo_build"), docs=True)
    assert_succeeded(build)
    return build


@dataclass(frozen=True)
class StakeholderOutputs:
    """What `make build` writes for people, made from the demo build: figures and report."""

    figures_dir: Path
    reports_dir: Path
    manifest: FigureManifest
    html_path: Path
    markdown_path: Path


@pytest.fixture(scope="session")
def demo_outputs(demo_build, tmp_path_factory) -> StakeholderOutputs:
    reports_dir = tmp_path_factory.mktemp("reports")
    figures_dir = reports_dir / "figures"
    manifest = write_figures(demo_build.db_path, figures_dir)
    html_path, markdown_path = render_report(
        demo_build.db_path, figures_dir, reports_dir, dataset="dirty demo"
    )
    return StakeholderOutputs(figures_dir, reports_dir, manifest, html_path, markdown_path)


@pytest.fixture(scope="session")
def cdnow_cache(request, tmp_path_factory):
    """Where the lifetimes wheel (which carries the CDNOW sample) is kept between runs."""
    cache = getattr(request.config, "cache", None)
    return cache.mkdir("cdnow-lifetimes-wheel") if cache else tmp_path_factory.mktemp("cdnow")


@pytest.fixture(scope="session")
def cdnow(cdnow_cache) -> pd.DataFrame:
    try:
        return clv_data.load_cdnow_sample(cdnow_cache)
    except clv_data.CdnowUnavailableError as error:
        pytest.skip(f"CDNOW sample unavailable (lifetimes wheel not downloadable): {error}")


# The semantic layer's metrics that kpis_monthly also has, and its column for each.
KPI_METRICS = {
    "customers": "customer_count",
    "active_customers": "active_customer_count",
    "orders": "order_count",
    "revenue": "net_revenue_amount",
    "average_order_value": "average_order_value_amount",
    "retention_rate": "retention_rate",
    "churn_rate": "churn_rate",
    "email_conversion_rate": "campaign_conversion_rate",
}
SEGMENT_AT_MONTH_START = "customer_month__segment_name_at_month_start"


def metrics_against_kpis(build: Build, manifest_path: Path) -> pd.DataFrame:
    """MetricFlow's answer per month by segment at the month's start (and in total, as `All
    customers`) beside kpis_monthly's, one row per kpis_monthly row: `<metric>` and
    `<metric>_kpi` columns. Fails when either side has a month or segment the other lacks."""
    from customer_segmentation.metrics import MetricQueries

    queries = MetricQueries(manifest_path, build.db_path)
    month = "metric_time__month"
    by_segment = queries.frame(metrics=list(KPI_METRICS), group_by=[month, SEGMENT_AT_MONTH_START])
    totals = queries.frame(metrics=list(KPI_METRICS), group_by=[month])
    totals[SEGMENT_AT_MONTH_START] = "All customers"
    metrics = pd.concat([by_segment.dropna(subset=[SEGMENT_AT_MONTH_START]), totals])
    metrics = metrics.rename(columns={month: "activity_month", SEGMENT_AT_MONTH_START: "segment"})
    metrics["activity_month"] = pd.to_datetime(metrics["activity_month"])
    columns = ", ".join(f"{column} as {metric}_kpi" for metric, column in KPI_METRICS.items())
    with duckdb.connect(str(build.db_path), read_only=True) as connection:
        kpis = connection.execute(
            f"select activity_month, segment_name as segment, {columns} from kpis_monthly"
        ).df()
    kpis["activity_month"] = pd.to_datetime(kpis["activity_month"])
    return kpis.merge(metrics, on=["activity_month", "segment"], how="outer", validate="1:1")


# The customers mart as a selector: a bare `customers` also names the semantic layer's metric and
# semantic model, and `+customers` would then build everything upstream of every metric too.
CUSTOMERS_MART = "path:models/marts/customers.sql"
