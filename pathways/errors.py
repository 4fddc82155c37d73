"""Errors: problem+json under /api, a real translated page everywhere else; never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pathways.api.problems import ApiProblem, problem_response

log = logging.getLogger("pathways.errors")


def _wants_problem() -> bool:
    return request.path.startswith("/api/")


def _title(code: int) -> str:
    titles = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You do not have access to this page."),
        404: _("We could not find this page."),
        405: _("This action is not allowed here."),
        413: _("The file is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side."),
    }
    return titles.get(code, _("Something went wrong."))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # type: ignore[no-untyped-def]
        code = exc.code or 500
        if _wants_problem():
            detail = exc.description or ""
            if code == 413:
                limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
                detail = f"The request body is larger than the {limit} MB limit."
            headers = {}
            if code == 429:
                headers = {
                    k: v
                    for k, v in exc.get_headers()
                    if k.lower().startswith(("retry", "x-ratelimit"))
                }
            return problem_response(ApiProblem(code, detail, headers=headers))
        detail = (
            exc.description
            if code == 403 and exc.description and "ministry" in exc.description
            else None
        )
        return render_template("error.html", code=code, title=_title(code), detail=detail), code

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):  # type: ignore[no-untyped-def]
        return (
            render_template(
                "error.html",
                code=400,
                title=_("Your form expired. Please go back, reload the page and send it again."),
                detail=None,
            ),
            400,
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        if isinstance(exc, ApiProblem):
            return problem_response(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_problem():
            return problem_response(ApiProblem(500, "An unexpected error occurred; it was logged."))
        try:
            return render_template("error.html", code=500, title=_title(500), detail=None), 500
        except Exception:  # noqa: BLE001 - the layout itself failed: answer plainly
            log.exception("the error page failed to render")
            return "<!doctype html><title>500</title><h1>Error 500</h1>", 500
