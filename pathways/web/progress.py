"""Progress toward the target for officers and ministries: the dashboard with its burn-up
chart and forecast, every table as CSV, and why slots stay empty (the gap view)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from pathways.auth import role_required
from pathways.requestctx import db_session, settings
from pathways.services import gap as gap_service
from pathways.services.progress_report import ProgressReport, current_report
from pathways.web import progress_labels
from pathways.web.charts import burnup_chart
from pathways.web.progress_tables import Table, dashboard_tables, gap_tables

bp = Blueprint("progress", __name__, url_prefix="/progress")
READERS = ("officer", "admin", "ministry")


def _report() -> ProgressReport:
    return current_report(db_session(), settings())


def csv_response(table: Table, name: str) -> Response:
    return Response(
        table.csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@bp.get("/")
@role_required(*READERS)
def dashboard():  # type: ignore[no-untyped-def]
    report = _report()
    return render_template(
        "progress/dashboard.html",
        report=report,
        tables=dashboard_tables(report),
        chart=burnup_chart(report),
        origin_names=[progress_labels.country(c) for c in report.rule.origins],
    )


@bp.get("/<key>.csv")
@role_required(*READERS)
def export(key: str):  # type: ignore[no-untyped-def]
    report = _report()
    table = dashboard_tables(report).get(key)
    if table is None:
        abort(404)
    return csv_response(table, f"progress-{key}-{report.as_of.isoformat()}")


@bp.get("/gap")
@role_required(*READERS)
def gap():  # type: ignore[no-untyped-def]
    report = gap_service.gap_report(db_session())
    return render_template(
        "progress/gap.html",
        gap=report,
        tables=gap_tables(report) if report else {},
        slot_causes=progress_labels.SLOT_CAUSES,
        applicant_causes=progress_labels.APPLICANT_CAUSES,
        program_names=progress_labels.program_names(),
        country=progress_labels.country,
    )


@bp.get("/gap/<key>.csv")
@role_required(*READERS)
def gap_export(key: str):  # type: ignore[no-untyped-def]
    report = gap_service.gap_report(db_session())
    table = gap_tables(report).get(key) if report else None
    if report is None or table is None:
        abort(404)
    return csv_response(table, f"empty-slots-{key}-run-{report.run_id}")
