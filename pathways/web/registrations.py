"""Registrations: origin ministries (GT, SV, HN) list, register, upload and verify their
nationals; officers and admins do the same for everyone. Each person has a staff page with
their duplicate flags. Destination ministries never see the register (see candidates)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from pathways.auth import actor_for, role_required
from pathways.models import Applicant, DuplicateFlag, User
from pathways.models.enums import ORIGINS, ApplicantStatus
from pathways.requestctx import db_session, settings
from pathways.services import applicant_imports, applicants, duplicates, occupations
from pathways.web import applicant_form, labels, messages, staff

bp = Blueprint("registrations", __name__, url_prefix="/registrations")
STAFF = ("ministry", "officer", "admin")
# A service's field → the form field its problem is shown next to.
_FORM_FIELD = {"external_ref": "external_ref", "nationality": "nationality"}


def _staff() -> User:
    who = staff.user()
    staff.require_origin_or_staff(who)
    return who


def _resolver() -> Any:
    return occupations.get_resolver(db_session(), max_age=settings().catalog_cache_seconds)


def _row(applicant_id: int, who: User) -> Applicant:
    try:
        return applicants.check_access(who, db_session().get(Applicant, applicant_id))
    except applicants.ApplicantError as exc:
        abort(exc.status)


@bp.get("/")
@role_required(*STAFF)
def applicants_list():  # type: ignore[no-untyped-def]
    who = _staff()
    page = staff.page_arg()
    filters = {
        "q": request.args.get("q", "").strip()[:100],
        "verified": request.args.get("verified", ""),
        "status": request.args.get("status", ""),
        "nationality": request.args.get("nationality", "").upper(),
    }
    if filters["verified"] not in ("yes", "no"):
        filters["verified"] = ""
    if filters["status"] not in {s.value for s in ApplicantStatus}:
        filters["status"] = ""
    if who.role == "ministry" or filters["nationality"] not in ORIGINS:
        filters["nationality"] = ""
    rows, total = applicants.list_applicants(
        db_session(),
        user=who,
        nationality=filters["nationality"] or None,
        status=filters["status"] or None,
        verified={"yes": True, "no": False}.get(filters["verified"]),
        q=filters["q"] or None,
        page=page,
        per_page=staff.PER_PAGE,
    )
    return render_template(
        "registrations/list.html",
        rows=rows,
        total=total,
        page=page,
        pages=staff.pages(total),
        filters=filters,
        origins=ORIGINS if who.role != "ministry" else (),
        status_words=labels.APPLICANT_STATUS,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def register():  # type: ignore[no-untyped-def]
    who = _staff()
    form = applicant_form.make_form(who)
    problem = None
    if form.validate_on_submit():
        data = applicant_form.validate(form, who)
        if data is not None:
            try:
                row = applicants.register(
                    db_session(), data, actor=actor_for(who), user=who, resolver=_resolver()
                )
            except applicants.ApplicantError as exc:
                db_session().rollback()
                text = messages.service_problem(exc.template, exc.params, exc.message)
                if exc.field in _FORM_FIELD:
                    applicant_form.add_error(form, _FORM_FIELD[exc.field], text)
                else:
                    problem = text
            else:
                flash(_("%(name)s is registered (#%(id)s).", name=row.name, id=row.id), "info")
                return redirect(url_for("registrations.applicant", applicant_id=row.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "registrations/form.html",
        form=form,
        problem=problem,
        fixed_nationality=who.country if who.role == "ministry" else None,
        consent_text=applicant_form.consent_text(),
        jobs=range(1, applicant_form.JOBS + 1),
    ), status


@bp.get("/<int:applicant_id>")
@role_required(*STAFF)
def applicant(applicant_id: int):  # type: ignore[no-untyped-def]
    who = _staff()
    row = _row(applicant_id, who)
    session = db_session()
    lang = staff.lang()
    person = applicants.to_public(session, row, lang=lang)
    flags = []
    for item in person["duplicates"]:
        flag = session.get(DuplicateFlag, item["id"])
        if flag is not None:
            flags.append({**duplicates.to_public(flag, lang=lang), "other": item["other_id"]})
    return render_template(
        "registrations/person.html",
        person=person,
        flags=flags,
        programs=staff.program_names(),
        status_words=labels.APPLICANT_STATUS,
        flag_words=labels.FLAG_STATUS,
        sex_words=labels.SEX,
    )


@bp.route("/<int:applicant_id>/verify", methods=["GET", "POST"])
@role_required(*STAFF)
def verify(applicant_id: int):  # type: ignore[no-untyped-def]
    """GET asks for confirmation (the ministry vouches for the documents); POST records it."""
    who = _staff()
    row = _row(applicant_id, who)
    if request.method == "GET" or row.verified_at is not None:
        return render_template("registrations/verify.html", person=row)
    try:
        applicants.verify(db_session(), row, actor=actor_for(who), user=who)
    except applicants.ApplicantError as exc:
        abort(exc.status)
    flash(_("The identity and documents of %(name)s are recorded as verified.", name=row.name))
    return redirect(url_for("registrations.applicant", applicant_id=row.id))


@bp.get("/applicants-template.csv")
@role_required(*STAFF)
def csv_template():  # type: ignore[no-untyped-def]
    _staff()
    return send_file(
        settings().data_dir / "templates" / "applicants.csv",
        mimetype="text/csv",
        as_attachment=True,
        download_name="pathways-applicants-template.csv",
    )


def _file_problem(exc: applicant_imports.ApplicantFileError) -> str:
    params = dict(exc.params)
    if params.get("label") == applicant_imports.SPEC.label:
        params["label"] = _("a Pathways applicant file")
    return messages.stored_error({"template": exc.template, "params": params})


@bp.route("/upload", methods=["GET", "POST"])
@role_required(*STAFF)
def upload():  # type: ignore[no-untyped-def]
    """Small files only (the size limit of every upload): all rows are checked and the valid
    ones saved together while the page waits, then the per-row report is shown."""
    who = _staff()
    error = None
    if request.method == "POST":
        file = request.files.get("file")
        data = file.read() if file is not None else b""
        if not data:
            error = _("Choose a file to upload.")
        else:
            try:
                report = applicant_imports.import_file(
                    db_session(),
                    data,
                    actor=actor_for(who),
                    user=who,
                    resolver=_resolver(),
                    detailed=True,
                )
            except applicant_imports.ApplicantFileError as exc:
                error = _file_problem(exc)
            else:
                return render_template(
                    "registrations/upload_report.html",
                    report=report,
                    filename=file.filename if file is not None else None,
                    row_error=messages.row_error,
                )
    return render_template(
        "registrations/upload.html", error=error, limit_mb=settings().max_upload_mb
    ), 400 if error else 200
