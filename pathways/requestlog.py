"""One log line per request: request id, method, route, status, duration. Never personal data.

The route template (`/api/v1/applicants/<int:applicant_id>`) is logged rather than the URL, and
no query string, so names or birth dates sent as parameters never reach the logs.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

log = logging.getLogger("pathways.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("request_started")
        duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        response.headers.setdefault("X-Request-ID", g.get("request_id", "-"))
        log.info(
            "request_id=%s method=%s route=%s status=%s duration_ms=%.1f",
            g.get("request_id", "-"),
            request.method,
            route,
            response.status_code,
            duration_ms,
        )
        return response
