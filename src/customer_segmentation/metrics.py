"""The semantic layer from Python: validate the semantic configs and answer metric queries with
MetricFlow on the built DuckDB warehouse, reading the semantic manifest from a path you give.

`mf` (dbt-metricflow's command) reads `target/semantic_manifest.json` under the project folder
whatever DBT_TARGET_PATH says, and opens its own dbt adapter; here MetricFlow only writes the
SQL (`explain`) and DuckDB runs it on a read-only connection, so any target folder and any
warehouse file work, as in the rest of the package.

    python -m customer_segmentation.metrics --manifest target/semantic_manifest.json \\
        --db warehouse.duckdb --out reports/metrics       # every saved query, one CSV each
    python -m customer_segmentation.metrics --manifest target/semantic_manifest.json --validate
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow_semantic_interfaces.validations.semantic_manifest_validator import (
    SemanticManifestValidator,
)
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup


class _DuckDbSqlRenderer:
    """What MetricFlow needs of a SQL client to write DuckDB SQL; it never runs a query."""

    sql_engine_type = SqlEngine.DUCKDB
    sql_plan_renderer = DuckDbSqlPlanRenderer()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"

    def query(self, *_args, **_kwargs):  # pragma: no cover - never called by explain()
        raise NotImplementedError("SQL is run on DuckDB directly, not through MetricFlow")

    execute = dry_run = query

    def close(self) -> None:
        return None


def load_semantic_manifest(manifest_path: Path):
    """The semantic manifest dbt writes (`dbt parse` or any build): semantic_manifest.json."""
    return parse_manifest_from_dbt_generated_manifest(manifest_path.read_text())


def validation_errors(manifest_path: Path) -> list[str]:
    """MetricFlow's semantic validation of the configs (what `mf validate-configs` checks
    before it touches the warehouse), then every saved query planned into SQL (the validation
    misses, for one, a ratio metric naming a metric that does not exist): every blocking
    issue, as text; empty when valid."""
    manifest = load_semantic_manifest(manifest_path)
    result = SemanticManifestValidator().validate_semantic_manifest(manifest)
    errors = [issue.as_readable_str() for issue in result.errors]
    if errors:
        return errors
    try:
        queries = MetricQueries(manifest_path, Path("unused.duckdb"))
        for name in queries.saved_query_names():
            queries.sql(MetricFlowQueryRequest.create(saved_query_name=name))
    except Exception as error:  # noqa: BLE001 - any failure to plan is the finding
        reason = str(error.args[0]) if error.args else repr(error)
        errors.append(f"ERROR: the saved queries cannot be planned: {reason}")
    return errors


class MetricQueries:
    """MetricFlow over one semantic manifest, run on one DuckDB warehouse file."""

    def __init__(self, manifest_path: Path, db_path: Path) -> None:
        lookup = SemanticManifestLookup(load_semantic_manifest(manifest_path))
        self._engine = MetricFlowEngine(
            semantic_manifest_lookup=lookup, sql_client=_DuckDbSqlRenderer()
        )
        self._db_path = db_path

    def saved_query_names(self) -> list[str]:
        return sorted(query.name for query in self._engine.list_saved_queries())

    def sql(self, request: MetricFlowQueryRequest) -> str:
        return self._engine.explain(mf_request=request).sql_statement.without_descriptions.sql

    def frame(
        self,
        *,
        saved_query: str | None = None,
        metrics: Sequence[str] | None = None,
        group_by: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The answer of a saved query, or of metrics grouped by dimensions, as a frame sorted by
        its group-by columns."""
        request = MetricFlowQueryRequest.create(
            saved_query_name=saved_query, metric_names=metrics, group_by_names=group_by
        )
        sql = self.sql(request)
        with duckdb.connect(str(self._db_path), read_only=True) as connection:
            frame = connection.execute(sql).df()
        keys = [column for column in frame.columns if "__" in column or column == "metric_time"]
        return frame.sort_values(keys or list(frame.columns), na_position="last", ignore_index=True)


def write_saved_queries(queries: MetricQueries, out_dir: Path) -> list[Path]:
    """One CSV per saved query, `<name>.csv` in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in queries.saved_query_names():
        path = out_dir / f"{name}.csv"
        queries.frame(saved_query=name).to_csv(path, index=False)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=Path("target/semantic_manifest.json"))
    parser.add_argument("--db", type=Path, default=Path("warehouse.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("reports/metrics"))
    parser.add_argument("--validate", action="store_true", help="only validate the configs")
    args = parser.parse_args(argv)
    if not args.manifest.exists():
        print(f"{args.manifest} is missing: run `dbt parse` first", file=sys.stderr)
        return 2
    errors = validation_errors(args.manifest)
    if errors:
        print(f"{len(errors)} semantic config error(s):", *errors, sep="\n  ", file=sys.stderr)
        return 1
    if args.validate:
        print(f"The semantic configs in {args.manifest} are valid.")
        return 0
    for path in write_saved_queries(MetricQueries(args.manifest, args.db), args.out):
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
