"""Service-level endpoints: health, the OpenAPI document and its interactive docs page."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask_openapi import APIBlueprint
from pydantic import BaseModel

from pathways.api.blueprint import api_bp
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
    "pathways.api.applicants",
    "pathways.api.matching",
    "pathways.api.placements",
    "pathways.api.progress",
    "pathways.api.scenarios",
]

ops_bp = APIBlueprint("ops", __name__)


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


# Plain Flask routes (`route`, not flask-openapi's `get`): not operations of the document.
@api_bp.route("/openapi.json")
def openapi_document():  # type: ignore[no-untyped-def]
    return jsonify(current_app.api_doc)  # type: ignore[attr-defined] # built once per app


@api_bp.route("/docs")
def docs_page():  # type: ignore[no-untyped-def]
    return render_template("api/docs.html")
