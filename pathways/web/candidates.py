"""Candidates for destination ministries (US, CA, MX): the placements on their country's
vacancies, each person anonymised (number, nationality, age band, occupations, languages,
verified) until they accept an offer, with why they were matched. Officers and admins see
every country's."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from pathways.auth import role_required
from pathways.models.enums import DESTINATIONS
from pathways.requestctx import db_session
from pathways.services import offers
from pathways.web import labels, staff

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.get("/")
@role_required("ministry", "officer", "admin")
def candidates():  # type: ignore[no-untyped-def]
    who = staff.user()
    if who.role == "ministry" and who.country not in DESTINATIONS:
        abort(403)
    names = staff.program_names()
    if who.role == "ministry":
        names = {code: name for code, name in names.items() if code.startswith(f"{who.country}-")}
    filters = {"status": request.args.get("status", ""), "program": request.args.get("program", "")}
    if filters["status"] not in labels.PLACEMENT_STATUS:
        filters["status"] = ""
    if filters["program"] not in names:
        filters["program"] = ""
    page = staff.page_arg()
    rows, total = offers.candidates_for(
        db_session(),
        who,
        lang=staff.lang(),
        page=page,
        per_page=staff.PER_PAGE,
        status=filters["status"] or None,
        program=filters["program"] or None,
    )
    for row in rows:
        row["parts"] = labels.score_parts(row.get("explanation"))
    return render_template(
        "candidates/list.html",
        rows=rows,
        total=total,
        page=page,
        pages=staff.pages(total),
        filters=filters,
        programs=names,
        status_words=labels.PLACEMENT_STATUS,
    )
