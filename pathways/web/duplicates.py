"""Possible duplicates: two registrations side by side with the evidence, and a person's
decision ("same person" withdraws the newer record from matching; nothing is ever merged).

Officers and admins see every flag; an origin ministry the flags about its nationals. A
record of another nationality in a pair is shown only to those entitled to see it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pathways.auth import actor_for, role_required
from pathways.models import Applicant, User
from pathways.requestctx import db_session
from pathways.services import applicants, duplicates
from pathways.web import labels, messages, staff

bp = Blueprint("duplicates", __name__, url_prefix="/duplicates")
STAFF = ("ministry", "officer", "admin")
PER_PAGE = 10  # each flag is a two-record card


def _side(applicant_id: int, who: User) -> dict[str, Any]:
    row = db_session().get(Applicant, applicant_id)
    if row is None or not applicants.can_see(who, row):
        return {"id": applicant_id, "hidden": True}
    return {
        "id": row.id,
        "hidden": False,
        "name": row.name,
        "nationality": row.nationality,
        "birth_date": row.birth_date,
        "subdivision": row.residence_subdivision,
        "id_document": row.id_document,
        "phone": row.phone,
        "status": row.status,
        "verified": row.verified_at is not None,
        "created_at": row.created_at,
    }


@bp.get("/")
@role_required(*STAFF)
def flags():  # type: ignore[no-untyped-def]
    who = staff.user()
    staff.require_origin_or_staff(who)
    status = request.args.get("status", "open")
    if status not in labels.FLAG_STATUS:
        status = "open"
    page = staff.page_arg()
    try:
        rows, total = duplicates.list_flags(
            db_session(), user=who, status=status, page=page, per_page=PER_PAGE
        )
    except applicants.ApplicantError as exc:
        abort(exc.status)
    lang = staff.lang()
    pairs = [
        {
            "flag": duplicates.to_public(f, lang=lang),
            "older": _side(min(f.applicant_id, f.other_id), who),
            "newer": _side(max(f.applicant_id, f.other_id), who),
        }
        for f in rows
    ]
    return render_template(
        "registrations/duplicates.html",
        pairs=pairs,
        total=total,
        status=status,
        page=page,
        pages=staff.pages(total, PER_PAGE),
        flag_words=labels.FLAG_STATUS,
        status_words=labels.APPLICANT_STATUS,
    )


@bp.post("/<int:flag_id>/resolve")
@role_required(*STAFF)
def resolve(flag_id: int):  # type: ignore[no-untyped-def]
    who = staff.user()
    staff.require_origin_or_staff(who)
    decision = request.form.get("decision", "")
    if decision not in ("same", "different"):
        abort(400)
    note = request.form.get("note", "").strip()[:500] or None
    try:
        flag = duplicates.resolve(
            db_session(), flag_id, decision, note=note, user=who, actor=actor_for(who)
        )
    except applicants.ApplicantError as exc:
        if exc.status != 409:
            abort(exc.status)
        db_session().rollback()
        flash(messages.service_problem(exc.template, exc.params, exc.message), "error")
        return redirect(url_for("duplicates.flags"))
    if decision == "same":
        newer = max(flag.applicant_id, flag.other_id)
        flash(
            _(
                "Recorded: the same person. The newer registration (#%(id)s) no longer "
                "takes part in matching.",
                id=newer,
            ),
            "info",
        )
    else:
        flash(_("Recorded: two different people. Both registrations stay as they are."), "info")
    return redirect(url_for("duplicates.flags"))
