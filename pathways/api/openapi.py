"""The OpenAPI 3.1 document, built from the declared operations and their pydantic schemas."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from pathways.api.spec import OPERATIONS, STATUS_TEXT

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def build_document(version: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}

    def ref(model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            components[name] = sub
        components[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        entry: dict[str, Any] = {
            "summary": op.summary,
            "operationId": op.method + "_" + re.sub(r"[^A-Za-z0-9]+", "_", op.path).strip("_"),
            "tags": [op.tag],
            "responses": {},
        }
        if op.description:
            entry["description"] = op.description
        if op.roles is not None:
            entry["security"] = [{"bearer": []}]
            if op.roles:
                entry["description"] = (
                    entry.get("description", "") + f"\n\nRoles: {', '.join(op.roles)}."
                ).strip()
        else:
            entry["security"] = []
        params = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if kind == "int" else "string"},
            }
            for name, kind in op.path_params
        ]
        if op.query is not None:
            schema = op.query.model_json_schema()
            required = set(schema.get("required", []))
            for name, prop in schema.get("properties", {}).items():
                params.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in required,
                        "schema": prop,
                        "description": prop.get("description", ""),
                    }
                )
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body)}},
            }
        elif op.raw_body:
            entry["requestBody"] = {
                "required": True,
                "content": {
                    mime: {"schema": {"type": "string", "format": fmt}}
                    for mime, fmt in op.raw_body.items()
                },
            }
        for code, model in op.responses.items():
            if code >= 400:
                content = {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }
            elif model is not None:
                content = {"application/json": {"schema": ref(model)}}
            else:
                content = {"application/json": {"schema": {"type": "object"}}}
            entry["responses"][str(code)] = {
                "description": STATUS_TEXT.get(code, "Response"),
                "content": content,
            }
        paths.setdefault(op.path, {})[op.method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pathways API",
            "version": version,
            "description": "Labor pathway matching for El Salvador, Guatemala and Honduras: "
            "eligibility, programs, occupations, vacancies, applicants, matching, placements "
            "and progress toward the 50,000-pathway target.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
