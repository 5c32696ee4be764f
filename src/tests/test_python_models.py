"""The dbt Python models stay thin and safe to run side by side on dbt's threads."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PYTHON_MODELS = sorted((Path(__file__).resolve().parents[2] / "python_models").glob("*.py"))
LOCK_MODULE = "customer_segmentation.import_lock"
# Imported for the first time inside a fit, these packages import themselves in cycles.
GUARDED = ("customer_segmentation", "sklearn", "scipy")


def _imported_module(node: ast.stmt) -> str | None:
    if isinstance(node, ast.ImportFrom):
        return node.module
    if isinstance(node, ast.Import):
        return node.names[0].name
    return None


def _imports_outside_the_lock(tree: ast.Module) -> list[str]:
    """Modules imported anywhere in the file but not inside `with IMPORT_LOCK:`."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
            isinstance(item.context_expr, ast.Name) and item.context_expr.id == "IMPORT_LOCK"
            for item in node.items
        ):
            inside |= {id(child) for child in ast.walk(node)}
    return [
        module
        for node in ast.walk(tree)
        if (module := _imported_module(node)) is not None
        and module != LOCK_MODULE
        and module.split(".")[0] in GUARDED
        and id(node) not in inside
    ]


def test_there_are_python_models_to_check():
    assert {path.stem for path in PYTHON_MODELS} >= {"int_segmentation_fit", "int_clv_fit"}


@pytest.mark.parametrize("path", PYTHON_MODELS, ids=lambda path: path.stem)
def test_python_model_imports_the_package_under_the_import_lock(path):
    unguarded = _imports_outside_the_lock(ast.parse(path.read_text()))
    assert not unguarded, (
        f"{path.name} imports {unguarded} outside `with IMPORT_LOCK:`; two "
        "fits importing scikit-learn at once on dbt's two threads can fail "
        "(customer_segmentation/import_lock.py)"
    )


def test_the_check_finds_an_import_outside_the_lock():
    unguarded = ast.parse(
        "from customer_segmentation.import_lock import IMPORT_LOCK\n"
        "with IMPORT_LOCK:\n    from customer_segmentation.segmentation.fit import fit_segments\n"
        "from sklearn.cluster import KMeans\n"
    )
    assert _imports_outside_the_lock(unguarded) == ["sklearn.cluster"]
