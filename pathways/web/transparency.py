"""The public transparency page: progress toward the target in aggregates only, with small
cells suppressed (services/disclosure.py). No sign-in; no personal data."""

from __future__ import annotations

from flask import Blueprint, render_template

from pathways.requestctx import db_session, settings
from pathways.services.disclosure import THRESHOLD, total_cell
from pathways.services.progress_report import current_report
from pathways.web import progress_labels
from pathways.web.progress_tables import public_tables

bp = Blueprint("transparency", __name__, url_prefix="/transparency")


@bp.get("/")
def page():  # type: ignore[no-untyped-def]
    report = current_report(db_session(), settings())
    return render_template(
        "progress/transparency.html",
        report=report,
        counted=total_cell(report.counts.counted),
        tables=public_tables(report),
        threshold=THRESHOLD,
        origin_names=[progress_labels.country(c) for c in report.rule.origins],
    )
