"""Declare API operations once: routing, auth, validation and the OpenAPI document together.

Each handler states its body/query schemas, allowed roles and every response it can return,
so the document cannot drift from what the code does, and no malformed request reaches a
handler (400 for unparseable JSON, 422 naming each bad field).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from pydantic import BaseModel, ValidationError

from pathways.api.problems import ApiProblem, field_errors, validation_problem
from pathways.auth import current_principal

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    400: "Unparseable request body (problem+json)",
    401: "Missing or invalid bearer token (problem+json)",
    403: "Authenticated but not allowed (problem+json)",
    404: "Not found (problem+json)",
    409: "Conflict with the current state (problem+json)",
    413: "Request body too large (problem+json)",
    422: "Validation failed; `errors` names each bad field (problem+json)",
    429: "Rate limit exceeded (problem+json)",
    503: "Database unavailable",
}


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | None]
    roles: tuple[str, ...] | None
    raw_body: dict[str, str] | None = None
    description: str = ""
    endpoint: str = ""
    limit: str | Callable[[], str] | None = None
    path_params: list[tuple[str, str]] = field(default_factory=list)


OPERATIONS: list[Operation] = []
MAX_ID = 2**31 - 1
_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def operation(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    responses: dict[int, type[BaseModel] | None],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    roles: tuple[str, ...] | None = None,
    raw_body: dict[str, str] | None = None,
    description: str = "",
    extra_codes: tuple[int, ...] = (),
    limit: str | Callable[[], str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `rule` on `bp` and document it. `roles=None` means public; `()` any signed-in user.

    The handler receives `body` and `query` when declared, and `principal` unless public.
    """
    codes: dict[int, type[BaseModel] | None] = dict(responses)
    if roles is not None:
        codes.setdefault(401, None)
        codes.setdefault(403, None)
    if body is not None:
        codes.setdefault(400, None)
    if body is not None or query is not None:
        codes.setdefault(422, None)
    if limit is not None:
        codes.setdefault(429, None)
    for code in extra_codes:
        codes.setdefault(code, None)
    prefix = bp.url_prefix or ""
    op = Operation(
        path=prefix + _PATH_PARAM.sub(r"{\2}", rule),
        method=method.lower(),
        summary=summary,
        tag=tag,
        body=body,
        query=query,
        responses=dict(sorted(codes.items())),
        roles=roles,
        raw_body=raw_body,
        description=description,
        path_params=[(m.group(2), m.group(1) or "string") for m in _PATH_PARAM.finditer(rule)],
    )
    OPERATIONS.append(op)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def handler(**path_kwargs: Any) -> Response | tuple[Response, int]:
            for name, value in path_kwargs.items():
                # Ids are 32-bit in PostgreSQL: anything larger cannot exist (not a 500).
                if isinstance(value, int) and value > MAX_ID:
                    raise ApiProblem(404, f"No such resource ({name} {value}).")
            kwargs: dict[str, Any] = dict(path_kwargs)
            if roles is not None:
                principal = current_principal()
                if principal is None:
                    raise ApiProblem(
                        401,
                        "Send a valid token: Authorization: Bearer <token>.",
                        headers={"WWW-Authenticate": 'Bearer realm="pathways"'},
                    )
                if roles and principal.role not in roles:
                    raise ApiProblem(
                        403, f"This operation is for: {', '.join(roles)}; you are {principal.role}."
                    )
                kwargs["principal"] = principal
            if query is not None:
                kwargs["query"] = _validate(query, _query_args(), "query.")
            if body is not None:
                kwargs["body"] = _validate(body, _json_body(), "")
            result = view(**kwargs)
            return _respond(result)

        op.endpoint, op.limit = f"{bp.name}.{view.__name__}", limit
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handler, methods=[method])
        return handler

    return decorator


def _query_args() -> dict[str, Any]:
    return {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}


def _json_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise validation_problem([{"field": "body", "message": "a JSON object is required"}])
    try:
        return request.get_json(force=True, silent=False)
    except Exception:  # noqa: BLE001 - werkzeug raises BadRequest subclasses
        raise ApiProblem(
            400, "The request body is not valid JSON.", title="Malformed JSON"
        ) from None


def _nul_fields(data: Any, path: str = "") -> list[str]:
    """Where a string holds a NUL character (PostgreSQL text cannot store one)."""
    if isinstance(data, str):
        return [path or "body"] if "\x00" in data else []
    if isinstance(data, dict):
        return [f for k, v in data.items() for f in _nul_fields(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in _nul_fields(v, f"{path}.{i}")]
    return []


def _validate(model: type[BaseModel], data: Any, prefix: str) -> BaseModel:
    if not isinstance(data, dict):
        raise validation_problem([{"field": "body", "message": "must be a JSON object"}])
    bad = _nul_fields(data)
    if bad:
        raise validation_problem(
            [{"field": prefix + f, "message": "contains a NUL character"} for f in bad]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(field_errors(exc, prefix)) from None


def _respond(result: Any) -> Response | tuple[Response, int]:
    status = 200
    if isinstance(result, tuple):
        result, status = result
    if isinstance(result, Response):
        return result, status
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    response = jsonify(result)
    if g.get("request_id"):
        response.headers["X-Request-ID"] = g.request_id
    return response, status
