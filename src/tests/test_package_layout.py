"""The package stays one a newcomer can read: by concern, small modules, no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "customer_segmentation"
PACKAGE = PACKAGE_DIR.name
# About one screen of code per concern; a module past this has two purposes (CONTRIBUTING.md).
MAX_MODULE_LINES = 300


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules that `name` imports at module level (absolute or relative)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in known and target != name}
    return found


def test_no_module_is_longer_than_a_screenful_or_two():
    long = {
        name: lines
        for name, path in _modules().items()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_every_sub_package_says_what_it_is_for():
    for init in PACKAGE_DIR.rglob("__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        assert docstring, f"{init.relative_to(PACKAGE_DIR.parent)} has no docstring"


def test_no_import_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, set(modules)) for name, path in modules.items()}
    # A sub-package's __init__ importing its own modules is how re-exports work, not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(f"{name}.")}
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycle = trail[trail.index(target) :] + [target]
                raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_the_cycle_check_sees_relative_and_absolute_imports():
    # The check above is only worth something if it can find an edge of each kind.
    modules = _modules()
    draws = _imports(f"{PACKAGE}.demo.draws", modules[f"{PACKAGE}.demo.draws"], set(modules))
    assert f"{PACKAGE}.demo.profiles" in draws
    planted = _imports(
        f"{PACKAGE}.evaluation.planted", modules[f"{PACKAGE}.evaluation.planted"], set(modules)
    )
    assert f"{PACKAGE}.evaluation.planted_mix" in planted
