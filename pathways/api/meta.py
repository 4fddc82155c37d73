"""Service-level endpoints: health, the OpenAPI document and its interactive docs page."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, current_app, jsonify, render_template
from pydantic import BaseModel

from pathways.api.blueprint import api_bp
from pathways.api.openapi import build_document
from pathways.api.problems import ApiProblem
from pathways.api.spec import operation
from pathways.db import ping
from pathways.requestctx import engine

# Resource modules, imported once by register_api (each registers its operations).
RESOURCE_MODULES: list[str] = [
    "pathways.api.accounts",
    "pathways.api.eligibility",
    "pathways.api.vacancies",
    "pathways.api.occupations",
]

ops_bp = Blueprint("ops", __name__)


def _version() -> str:
    try:
        return version("pathways")
    except PackageNotFoundError:
        return "0+unknown"


class Health(BaseModel):
    status: str


@operation(
    ops_bp,
    "/healthz",
    "GET",
    summary="Liveness: 200 when the database answers",
    tag="operations",
    responses={200: Health, 503: None},
)
def healthz():  # type: ignore[no-untyped-def]
    try:
        ping(engine())
    except Exception:  # noqa: BLE001 - any failure of the database means "not healthy"
        current_app.logger.warning("health check: database unavailable")
        raise ApiProblem(503, "The database does not answer.") from None
    return {"status": "ok"}


@api_bp.get("/openapi.json")
def openapi_document():  # type: ignore[no-untyped-def]
    if "openapi_document" not in current_app.extensions:
        current_app.extensions["openapi_document"] = build_document(_version())
    return jsonify(current_app.extensions["openapi_document"])


@api_bp.get("/docs")
def docs_page():  # type: ignore[no-untyped-def]
    return render_template("api/docs.html")
