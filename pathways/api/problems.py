"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from pydantic import BaseModel, Field, ValidationError
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_MIME = "application/problem+json"
# RFC 9457: "about:blank" when the title is the HTTP status phrase; our own problem kinds
# point at their explanation on the API docs page.
PROBLEM_DOCS = "/api/v1/docs#problem-"


class FieldError(BaseModel):
    field: str = Field(examples=["wage.amount"])
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details: the body of every API error (as the OpenAPI document has it)."""

    type: str = Field(examples=["about:blank"])
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(
        default_factory=list, description="422 only: each bad field and what is wrong with it"
    )


class ApiProblem(Exception):
    """Raise anywhere in an API handler (or a service's error, translated) to answer a problem."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        errors: list[dict[str, str]] | None = None,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
        self.title = title or HTTP_STATUS_CODES.get(status, "Error")
        self.type = type_ or (
            "about:blank" if title is None else PROBLEM_DOCS + title.lower().replace(" ", "-")
        )
        self.headers = headers or {}
        self.extra = extra


def problem_response(problem: ApiProblem) -> Response:
    body: dict[str, Any] = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update(problem.extra)
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_MIME)
    response.headers.update(problem.headers)
    return response


def field_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    """Pydantic errors as [{"field": "worksite.country", "message": "..."}], one per bad field."""
    errors = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
        message = str(err["msg"]).removeprefix("Value error, ")
        errors.append({"field": (prefix + loc) or "body", "message": message})
    return errors


def validation_problem(errors: list[dict[str, str]], detail: str | None = None) -> ApiProblem:
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return ApiProblem(
        422,
        detail or f"Invalid input: {fields}",
        title="Validation failed",
        errors=errors,
    )
