"""The JSON API under /api/v1, one module per resource, plus /healthz."""

from __future__ import annotations

from flask import Flask

from pathways.api.openapi import PathwaysApp
from pathways.api.problems import ApiProblem, problem_response


def register_api(app: PathwaysApp) -> None:
    from pathways.api import meta
    from pathways.api.blueprint import api_bp
    from pathways.extensions import csrf

    # Import resource modules so their operations register on the blueprint.
    for module in meta.RESOURCE_MODULES:
        __import__(module)
    csrf.exempt(api_bp)  # bearer-token API: no cookies, no CSRF
    # register_api: the blueprints' operations go into the app's OpenAPI document too.
    app.register_api(api_bp)
    app.register_api(meta.ops_bp)
    _apply_rate_limits(app)
    app.register_error_handler(ApiProblem, problem_response)


def _apply_rate_limits(app: Flask) -> None:
    """Wrap the limited operations of this app only when limits are on, so a capacity
    benchmark (PATHWAYS_RATELIMIT_ENABLED=false) measures the endpoint, not the limiter."""
    from pathways.api.spec import OPERATIONS
    from pathways.extensions import limiter

    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    for op in OPERATIONS:
        if op.limit is not None:
            app.view_functions[op.endpoint] = limiter.limit(op.limit)(
                app.view_functions[op.endpoint]
            )
