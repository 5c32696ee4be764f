"""Fail when anything the warehouse builds or exposes lacks a description.

Reads dbt's ``manifest.json`` (what is declared) and ``catalog.json`` (what was really built),
so a column that a model produces but its YAML forgets is caught too. Checks this project's
models, seeds, sources (and their columns), macros and generic tests (and every argument their
signature takes), analyses, exposures (with an owner), semantic models, metrics and saved queries.

    python -m customer_segmentation.docs_check --target-dir target
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_DOCUMENTED_NODES = ("model", "seed", "snapshot")
_MACRO_SIGNATURE = re.compile(r"{%-?\s*(?:macro|test)\s+\w+\s*\((?P<args>[^)]*)\)", re.S)


def _described(entry: dict) -> bool:
    return bool((entry.get("description") or "").strip())


def _signature_arguments(macro_sql: str) -> list[str]:
    match = _MACRO_SIGNATURE.search(macro_sql)
    if not match or not match.group("args").strip():
        return []
    names = []
    for part in match.group("args").split(","):
        name = part.split("=")[0].strip()
        if name:
            names.append(name)
    return names


def find_undocumented(manifest: dict, catalog: dict) -> list[str]:
    """Every missing description, as ``'<kind> <name>[.<column>]: <what>'`` lines."""
    project = manifest["metadata"].get("project_name")
    problems: list[str] = []

    for unique_id, node in sorted(manifest["nodes"].items()):
        if node.get("package_name") != project or node["resource_type"] not in _DOCUMENTED_NODES:
            continue
        kind, name = node["resource_type"], node["name"]
        if not _described(node):
            problems.append(f"{kind} {name}: no description")
        declared = {col.lower(): entry for col, entry in node.get("columns", {}).items()}
        for column, entry in sorted(declared.items()):
            if not _described(entry):
                problems.append(f"{kind} {name}.{column}: column declared without a description")
        built = catalog.get("nodes", {}).get(unique_id)
        if built is None:
            problems.append(
                f"{kind} {name}: not in catalog.json (was it built before docs generate?)"
            )
            continue
        for column in sorted(c.lower() for c in built.get("columns", {})):
            if column not in declared or not _described(declared[column]):
                problems.append(f"{kind} {name}.{column}: built column has no description")

    for _, source in sorted(manifest.get("sources", {}).items()):
        if source.get("package_name") != project:
            continue
        name = f"{source['source_name']}.{source['name']}"
        if not _described(source):
            problems.append(f"source {name}: no description")
        if not (source.get("source_description") or "").strip():
            problems.append(f"source {source['source_name']}: no source description")
        for column, entry in sorted(source.get("columns", {}).items()):
            if not _described(entry):
                problems.append(f"source {name}.{column}: no description")
        if not source.get("columns"):
            problems.append(f"source {name}: no columns declared")

    # Analyses are compiled, never built (no catalog entry); exposures are what stakeholders
    # see: both need a description, and an exposure an owner.
    for _, node in sorted(manifest["nodes"].items()):
        is_analysis = node.get("package_name") == project and node["resource_type"] == "analysis"
        if is_analysis and not _described(node):
            problems.append(f"analysis {node['name']}: no description")
    for _, exposure in sorted(manifest.get("exposures", {}).items()):
        if exposure.get("package_name") != project:
            continue
        if not _described(exposure):
            problems.append(f"exposure {exposure['name']}: no description")
        owner = exposure.get("owner") or {}
        if not (owner.get("name") or owner.get("email")):
            problems.append(f"exposure {exposure['name']}: no owner")

    # The semantic layer: what analysts query by name (docs/metrics.md).
    for collection, kind in (
        ("semantic_models", "semantic model"),
        ("metrics", "metric"),
        ("saved_queries", "saved query"),
    ):
        for _, entry in sorted(manifest.get(collection, {}).items()):
            if entry.get("package_name") == project and not _described(entry):
                problems.append(f"{kind} {entry['name']}: no description")

    for _, macro in sorted(manifest.get("macros", {}).items()):
        if macro.get("package_name") != project:
            continue
        name = macro["name"]
        if not _described(macro):
            problems.append(f"macro {name}: no description")
        documented = {a["name"]: a for a in macro.get("arguments", [])}
        for argument in _signature_arguments(macro.get("macro_sql", "")):
            if argument not in documented or not _described(documented[argument]):
                problems.append(f"macro {name}: argument '{argument}' has no description")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-dir", type=Path, default=Path("target"))
    args = parser.parse_args(argv)
    manifest_path = args.target_dir / "manifest.json"
    catalog_path = args.target_dir / "catalog.json"
    for path in (manifest_path, catalog_path):
        if not path.exists():
            print(
                f"{path} is missing: run `dbt build` and `dbt docs generate` first", file=sys.stderr
            )
            return 2
    problems = find_undocumented(
        json.loads(manifest_path.read_text()), json.loads(catalog_path.read_text())
    )
    if problems:
        print(
            f"{len(problems)} undocumented item(s) in {manifest_path} / {catalog_path}:",
            *problems,
            sep="\n  ",
            file=sys.stderr,
        )
        return 1
    print(
        "Every model, seed, source, macro, analysis, exposure and column is described "
        f"({manifest_path})."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
