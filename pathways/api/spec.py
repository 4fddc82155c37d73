"""Declare API operations once: route, roles, body and query schemas and every response code.

flask-openapi builds the OpenAPI document from each declaration (the pydantic models, the
codes, the security) and validates JSON bodies. `operation` adds what the library leaves to
the application, checked before any input is read into a model:

1. ids beyond the 32-bit id column answer 404 (they cannot exist; PostgreSQL would raise);
2. roles: 401 without a valid bearer token, 403 for a role the operation is not for;
3. a body that is not JSON answers 400, an empty one or one that is not an object 422;
4. a NUL character (PostgreSQL text cannot store one) answers 422 naming each field.

It declares every code those steps and the validation can return, so the document cannot
drift from the code, and no malformed request reaches a handler.

Query strings are validated here, with the model the library documents: flask-openapi's
query validation rebuilds the model's JSON schema on every request (0.5-1.6 ms against
4-9 us for `model_validate`, measured), a cost every public lookup would pay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, g, jsonify, request
from flask_openapi import APIBlueprint, Tag

# The validation step of flask-openapi's `validate_request()`, the library's way to validate
# after the application's own checks. The decorator itself re-derives the models' JSON schemas
# on every call (1.2 ms for the eligibility body against 17 us for this step, measured), so
# the step is called directly.
from flask_openapi.request import _validate_request
from pydantic import BaseModel, ValidationError, create_model

from pathways.api.problems import (
    ApiProblem,
    Problem,
    field_errors,
    problem_response,
    validation_problem,
)
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
    503: "Database unavailable (problem+json)",
}
PROBLEM_REF = f"#/components/schemas/{Problem.__name__}"  # the app's validation_error_model


@dataclass(frozen=True)
class Operation:
    """A declared operation, as the app needs it after registration (rate limits)."""

    path: str  # as in the OpenAPI document: /api/v1/vacancies/{vacancy_id}
    method: str  # lower case
    endpoint: str
    limit: str | Callable[[], str] | None = None


OPERATIONS: list[Operation] = []
MAX_ID = 2**31 - 1
_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def operation(
    bp: APIBlueprint,
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

    The handler receives its path parameters, `body` and `query` when declared, and
    `principal` unless public; it returns a model, a dict, or (either, status).
    """
    codes: dict[int, type[BaseModel] | None] = dict(responses)
    if roles is not None:
        codes.setdefault(401, None)
        codes.setdefault(403, None)
        if roles:
            description = f"{description}\n\nRoles: {', '.join(roles)}.".strip()
    if body is not None:
        codes.setdefault(400, None)
    if body is not None or query is not None:
        codes.setdefault(422, None)
    if limit is not None:
        codes.setdefault(429, None)
    for code in extra_codes:
        codes.setdefault(code, None)
    # What flask-openapi documents: it reads the models from the view's annotations.
    models = {"path": _path_model(rule), "query": query, "body": body}
    path = (bp.url_prefix or "") + _PATH_PARAM.sub(r"{\2}", rule)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(**kwargs: Any) -> Response | tuple[Response, int]:
            for name, value in kwargs.items():  # path parameters, typed by their converters
                # Ids are 32-bit in PostgreSQL: anything larger cannot exist (not a 500).
                if isinstance(value, int) and value > MAX_ID:
                    raise ApiProblem(404, f"No such resource ({name} {value}).")
            if roles is not None:
                kwargs["principal"] = _authorize(roles)
            if query is not None:
                kwargs["query"] = _validate_query(query)
            if body is not None:
                _refuse_nul(_json_object(), "")
                kwargs.update(_validate_request(body=body))  # 422 via the app's callback
            return _respond(view(**kwargs))

        guarded.__name__ = guarded.__qualname__ = view.__name__
        guarded.__module__ = view.__module__
        guarded.__annotations__ = {k: v for k, v in models.items() if v is not None}
        # flask-openapi would validate before calling `guarded`; this defers it to the
        # checks above (the flag its own `validate_request()` sets).
        guarded.__delay_validate_request__ = True  # type: ignore[attr-defined]
        options: dict[str, Any] = {"endpoint": view.__name__}
        if raw_body:  # a file as the body: documented as is, read by the handler
            options["request_body"] = _raw_request_body(raw_body)
        register = getattr(bp, method.lower())  # flask-openapi's bp.get, bp.post, ...
        register(
            rule,
            summary=summary,
            description=description or None,
            tags=[Tag(name=tag)],
            operation_id=method.lower() + "_" + re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_"),
            security=[{"bearer": []}] if roles is not None else None,
            responses={code: _response(code, model) for code, model in sorted(codes.items())},
            **options,
        )(guarded)
        OPERATIONS.append(Operation(path, method.lower(), f"{bp.name}.{view.__name__}", limit))
        return view

    return decorator


def validation_problem_response(exc: ValidationError) -> Response:
    """flask-openapi's validation_error_callback: a 422 problem naming each bad field."""
    return problem_response(validation_problem(field_errors(exc)))


def _path_model(rule: str) -> type[BaseModel] | None:
    """The path parameters of `rule` as a model, for the document only: the URL converters
    (`<int:vacancy_id>`) already typed them."""
    fields: dict[str, Any] = {
        name: (int if kind == "int" else str, ...) for kind, name in _PATH_PARAM.findall(rule)
    }
    if not fields:
        return None
    return create_model("Path_" + "_".join(fields), **fields)


def _response(code: int, model: type[BaseModel] | None) -> type[BaseModel] | dict[str, Any]:
    if code >= 400:
        media = {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}
    elif model is not None:
        return model  # flask-openapi puts its schema (and nested ones) in components
    else:
        media = {"application/json": {"schema": {"type": "object"}}}
    return {"description": STATUS_TEXT.get(code, "Response"), "content": media}


def _raw_request_body(raw_body: dict[str, str]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            mime: {"schema": {"type": "string", "format": fmt}} for mime, fmt in raw_body.items()
        },
    }


def _authorize(roles: tuple[str, ...]) -> Any:
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
    return principal


def _validate_query(model: type[BaseModel]) -> BaseModel:
    args = {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}
    _refuse_nul(args, "query.")
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        raise validation_problem(field_errors(exc, "query.")) from None


def _json_object() -> dict[str, Any]:
    """The JSON body, parsed once whatever its Content-Type (flask-openapi reads it back)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise validation_problem([{"field": "body", "message": "a JSON object is required"}])
    try:
        data = request.get_json(force=True, silent=False)
    except Exception:  # noqa: BLE001 - werkzeug raises BadRequest subclasses
        raise ApiProblem(
            400, "The request body is not valid JSON.", title="Malformed JSON"
        ) from None
    if not isinstance(data, dict):
        raise validation_problem([{"field": "body", "message": "must be a JSON object"}])
    return data


def _nul_fields(data: Any, path: str = "") -> list[str]:
    """Where a string holds a NUL character (PostgreSQL text cannot store one)."""
    if isinstance(data, str):
        return [path or "body"] if "\x00" in data else []
    if isinstance(data, dict):
        return [f for k, v in data.items() for f in _nul_fields(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in _nul_fields(v, f"{path}.{i}")]
    return []


def _refuse_nul(data: dict[str, Any], prefix: str) -> None:
    bad = _nul_fields(data)
    if bad:
        raise validation_problem(
            [{"field": prefix + f, "message": "contains a NUL character"} for f in bad]
        )


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
