"""The app class: Flask with flask-openapi, which builds the OpenAPI (3.2) document of the API.

The document is served at /api/v1/openapi.json and read by our own offline page /api/v1/docs;
flask-openapi's UI pages (Swagger UI, ReDoc… from plugin packages) stay off: `doc_ui=False`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask_openapi import Info, OpenAPI, SecurityScheme, Server

from pathways.api.problems import Problem
from pathways.api.spec import validation_problem_response

DESCRIPTION = (
    "Labor pathway matching for El Salvador, Guatemala and Honduras: eligibility, programs, "
    "occupations, vacancies, applicants, matching, placements and progress toward the "
    "50,000-pathway target. Every error is `application/problem+json` (RFC 9457)."
)


def api_version() -> str:
    try:
        return version("pathways")
    except PackageNotFoundError:
        return "0+unknown"


class PathwaysApp(OpenAPI):
    """The Flask application class of the service (pages and JSON API)."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        super().__init__(
            import_name,
            info=Info(title="Pathways API", version=api_version(), description=DESCRIPTION),
            servers=[Server(url="/")],
            security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")},
            validation_error_status=422,
            validation_error_model=Problem,  # documented as components/schemas/Problem
            validation_error_callback=validation_problem_response,
            doc_ui=False,
            **kwargs,
        )

    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        # flask-openapi documents a 422 (a JSON array of validation_error_model) on every
        # operation that does not declare one. `operation` declares 422, as problem+json,
        # wherever validation can fail: the others cannot answer 422, so drop them.
        for path_item in self.spec_json["paths"].values():
            for op in path_item.values():
                declared = op["responses"].get("422", {}).get("content", {})
                if "application/problem+json" not in declared:
                    op["responses"].pop("422", None)
