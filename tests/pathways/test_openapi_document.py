"""The served OpenAPI document is valid OpenAPI, every `$ref` in it resolves, and it documents
exactly the API routes the app serves (issue: `#/$defs/ProgramCode` pointed nowhere)."""

from __future__ import annotations

from typing import Any

import pytest

spec_validator = pytest.importorskip(
    "openapi_spec_validator", reason="openapi-spec-validator is not installed: pip install .[test]"
)

VALIDATORS = {
    "3.0": spec_validator.OpenAPIV30SpecValidator,
    "3.1": spec_validator.OpenAPIV31SpecValidator,
    "3.2": spec_validator.OpenAPIV32SpecValidator,
}
UNDOCUMENTED = {"/api/v1/openapi.json", "/api/v1/docs"}  # the document and its page


def _document(client: Any) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref}: only local references are expected"
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} points nowhere"
        node = node[part]
    return node


def test_served_document_passes_openapi_spec_validator(client) -> None:
    doc = _document(client)
    version = ".".join(doc["openapi"].split(".")[:2])
    assert version in VALIDATORS, f"unexpected OpenAPI version {doc['openapi']}"
    try:
        spec_validator.validate(doc, cls=VALIDATORS[version])
    except Exception as exc:  # noqa: BLE001 - its messages quote the whole document: cut
        pytest.fail(f"{doc['openapi']} document is invalid: {type(exc).__name__}: {exc!s:.400}")


def test_every_ref_resolves(client) -> None:
    doc = _document(client)
    refs = set(_refs(doc))
    assert "#/components/schemas/ProgramCode" in refs  # the reference of the issue
    for ref in sorted(refs):
        assert isinstance(_resolve(doc, ref), dict), ref


def test_document_lists_exactly_the_served_api_routes(app, client) -> None:
    doc = _document(client)
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = {
        (rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.rule not in UNDOCUMENTED
    }
    assert documented == served


def test_errors_are_documented_as_problem_details(client) -> None:
    doc = _document(client)
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for code, response in op["responses"].items():
                if int(code) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        f"{method} {path} {code}"
                    )
