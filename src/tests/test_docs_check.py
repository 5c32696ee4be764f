"""The documentation check itself, on small hand-made manifests (the real one is checked in
test_warehouse.py)."""

from customer_segmentation.docs_check import _signature_arguments, find_undocumented


def _manifest(**overrides):
    manifest = {
        "metadata": {"project_name": "p"},
        "nodes": {
            "model.p.m": {
                "package_name": "p",
                "resource_type": "model",
                "name": "m",
                "description": "One row per thing.",
                "columns": {"id": {"description": "Key."}},
            },
            "model.other.x": {
                "package_name": "other",
                "resource_type": "model",
                "name": "x",
                "description": "",
                "columns": {},
            },
        },
        "sources": {},
        "macros": {
            "macro.p.f": {
                "package_name": "p",
                "name": "f",
                "description": "Does f.",
                "macro_sql": "{% macro f(a, b=none) %}{% endmacro %}",
                "arguments": [
                    {"name": "a", "description": "A."},
                    {"name": "b", "description": "B."},
                ],
            }
        },
    }
    manifest.update(overrides)
    return manifest


def _catalog(columns=("id",)):
    return {"nodes": {"model.p.m": {"columns": {c.upper(): {} for c in columns}}}}


def test_fully_documented_project_passes():
    assert find_undocumented(_manifest(), _catalog()) == []


def test_built_column_missing_from_yaml_is_reported():
    problems = find_undocumented(_manifest(), _catalog(columns=("id", "extra")))
    assert problems == ["model m.extra: built column has no description"]


def test_model_without_description_and_unbuilt_model_are_reported():
    manifest = _manifest()
    manifest["nodes"]["model.p.m"]["description"] = " "
    problems = find_undocumented(manifest, {"nodes": {}})
    assert "model m: no description" in problems
    assert any("not in catalog.json" in p for p in problems)


def test_other_packages_are_ignored():
    assert not any(" x" in p for p in find_undocumented(_manifest(), _catalog()))


def test_macro_argument_in_signature_but_not_in_yaml_is_reported():
    manifest = _manifest()
    manifest["macros"]["macro.p.f"]["arguments"] = [{"name": "a", "description": "A."}]
    assert find_undocumented(manifest, _catalog()) == ["macro f: argument 'b' has no description"]


def test_source_column_without_description_is_reported():
    source = {
        "package_name": "p",
        "source_name": "raw",
        "name": "t",
        "description": "T.",
        "source_description": "Raw.",
        "columns": {"c": {"description": ""}},
    }
    problems = find_undocumented(_manifest(sources={"source.p.raw.t": source}), _catalog())
    assert problems == ["source raw.t.c: no description"]


def test_signature_arguments_read_defaults_and_tests():
    assert _signature_arguments("{% test t(model, column_name, x=1) %}") == [
        "model",
        "column_name",
        "x",
    ]
    assert _signature_arguments("{%- macro g() -%}") == []


def test_analysis_without_description_is_reported():
    manifest = _manifest()
    manifest["nodes"]["analysis.p.a"] = {
        "package_name": "p",
        "resource_type": "analysis",
        "name": "a",
        "description": "",
    }
    assert find_undocumented(manifest, _catalog()) == ["analysis a: no description"]


def test_exposure_needs_a_description_and_an_owner():
    manifest = _manifest(
        exposures={
            "exposure.p.report": {
                "package_name": "p",
                "name": "report",
                "description": "",
                "owner": {"name": None, "email": None},
            }
        }
    )
    assert find_undocumented(manifest, _catalog()) == [
        "exposure report: no description",
        "exposure report: no owner",
    ]


def test_semantic_model_metric_and_saved_query_need_a_description():
    def entry(name, description=""):
        return {f"x.p.{name}": {"package_name": "p", "name": name, "description": description}}

    manifest = _manifest(
        semantic_models=entry("orders"),
        metrics={**entry("revenue"), **entry("orders", "Purchase orders.")},
        saved_queries=entry("by_month"),
    )
    assert find_undocumented(manifest, _catalog()) == [
        "semantic model orders: no description",
        "metric revenue: no description",
        "saved query by_month: no description",
    ]
