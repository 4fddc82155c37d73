"""Refuse text with NUL characters before it reaches the database (PostgreSQL cannot store
them, and no legitimate form or query carries one): 422 naming the field for the API, 400
for pages. JSON bodies are checked where they are validated (api/spec.py)."""

from __future__ import annotations

from flask import Flask, abort, request

from pathways.api.problems import validation_problem


def init_app(app: Flask) -> None:
    @app.before_request
    def _reject_nul_characters() -> None:
        bad = [f"query.{k}" for k, v in request.args.items(multi=True) if "\x00" in k + v]
        if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            bad += [k for k, v in request.form.items(multi=True) if "\x00" in k + v]
        if not bad:
            return
        if request.path.startswith("/api/"):
            raise validation_problem(
                [{"field": f, "message": "contains a NUL character"} for f in bad]
            )
        abort(400)
