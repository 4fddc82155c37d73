"""Ministry pages: vacancies (list, create, edit, close) and file uploads with progress."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from pathways.auth import actor_for, current_principal, role_required
from pathways.imports import FORMAT_NAMES, ImportFormatError, iter_parse
from pathways.models import ImportBatch, User, Vacancy
from pathways.requestctx import db_session, settings, vacancy_context
from pathways.services import imports, vacancies, vacancy_forms, vacancy_shapes
from pathways.services.programs import PROGRAM_ORDER
from pathways.web import messages

bp = Blueprint("ministry", __name__, url_prefix="/ministry")
# Files up to this size import while the page waits; larger ones go to the worker.
INLINE_IMPORT_BYTES = 512 * 1024


PER_PAGE = 25


def _user() -> User:
    user = current_principal()
    assert user is not None
    return user


def _country(user: User) -> str:
    """The destination country a user posts for: its own, or ?country= for admins."""
    if user.role == "ministry":
        if user.country not in vacancy_forms.SUBDIVISIONS:
            abort(403, description=_("Only a destination ministry (US, CA, MX) posts vacancies."))
        return str(user.country)
    chosen = (request.values.get("country") or "US").upper()
    return chosen if chosen in vacancy_forms.SUBDIVISIONS else "US"


def _vacancy(vacancy_id: int, user: User) -> Vacancy:
    row = db_session().get(Vacancy, vacancy_id)
    if row is None:
        abort(404)
    if user.role == "ministry" and row.worksite_country != user.country:
        abort(403, description=_("A ministry can act only for its own country."))
    return row


def _form_context(country: str, form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "country": country,
        "form": form,
        "errors": errors,
        "programs": [p for p in PROGRAM_ORDER if p.startswith(country)],
        "subdivisions": vacancy_forms.subdivision_choices(country),
        "currency": vacancy_forms.CURRENCIES[country],
    }


@bp.get("/vacancies")
@role_required("ministry", "admin")
def vacancies_list():  # type: ignore[no-untyped-def]
    user = _user()
    country = _country(user)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    status = request.args.get("status") or None
    program = request.args.get("program") or None
    rows, total = vacancies.list_vacancies(
        db_session(),
        country=country,
        status=status if status in {"open", "closed"} else None,
        program=program if program in PROGRAM_ORDER else None,
        q=request.args.get("q") or None,
        page=page,
        per_page=PER_PAGE,
    )
    return render_template(
        "ministry/vacancies.html",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        country=country,
        programs=[p for p in PROGRAM_ORDER if p.startswith(country)],
        filters={"status": status or "", "program": program or "", "q": request.args.get("q", "")},
    )


@bp.route("/vacancies/new", methods=["GET", "POST"])
@role_required("ministry", "admin")
def vacancy_new():  # type: ignore[no-untyped-def]
    user = _user()
    country = _country(user)
    form = request.form.to_dict() if request.method == "POST" else {"positions": "1"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        body, invalid = vacancy_forms.validate_form(form, country)
        errors = {name: messages.pydantic_error(err) for name, err in invalid.items()}
        if body is not None:
            try:
                row = vacancies.create_vacancy(
                    db_session(),
                    vacancy_shapes.from_api(body.model_dump(), source="web"),
                    actor=actor_for(user),
                    user=user,
                    **vacancy_context(),
                )
            except vacancies.VacancyError as exc:
                errors = {exc.field.split(".")[-1]: messages.format_problem(exc)}
            else:
                flash(_("The vacancy was saved."), "info")
                return redirect(
                    url_for("ministry.vacancies_list", country=country) + f"#vacancy-{row.id}"
                )
    status = 400 if errors else 200
    return render_template(
        "ministry/vacancy_form.html", editing=None, **_form_context(country, form, errors)
    ), status


@bp.route("/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
@role_required("ministry", "admin")
def vacancy_edit(vacancy_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    row = _vacancy(vacancy_id, user)
    country = row.worksite_country
    form = (
        request.form.to_dict() if request.method == "POST" else vacancy_forms.form_from_vacancy(row)
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        form.setdefault("external_ref", row.external_ref or "")
        body, invalid = vacancy_forms.validate_form(form, country)
        errors = {name: messages.pydantic_error(err) for name, err in invalid.items()}
        if body is not None:
            parsed = vacancy_shapes.from_api(body.model_dump(), source=row.source)
            try:
                vacancies.update_vacancy(
                    db_session(), row, parsed, actor=actor_for(user), user=user, **vacancy_context()
                )
            except vacancies.VacancyError as exc:
                errors = {exc.field.split(".")[-1]: messages.format_problem(exc)}
            else:
                flash(_("The vacancy was saved."), "info")
                return redirect(url_for("ministry.vacancies_list", country=country))
    return render_template(
        "ministry/vacancy_form.html", editing=row, **_form_context(country, form, errors)
    ), 400 if errors else 200


@bp.route("/vacancies/<int:vacancy_id>/close", methods=["GET", "POST"])
@role_required("ministry", "admin")
def vacancy_close(vacancy_id: int):  # type: ignore[no-untyped-def]
    """GET asks for confirmation (closing takes the slots out of matching); POST closes."""
    user = _user()
    row = _vacancy(vacancy_id, user)
    if request.method == "GET" or row.status != "open":
        return render_template("ministry/vacancy_close.html", vacancy=row)
    vacancies.close_vacancy(db_session(), row, actor=actor_for(user), user=user)
    flash(_("The vacancy was closed."), "info")
    return redirect(url_for("ministry.vacancies_list", country=row.worksite_country))


@bp.get("/vacancies-template.csv")
@role_required("ministry", "admin")
def csv_template():  # type: ignore[no-untyped-def]
    _country(_user())
    return send_file(
        settings().data_dir / "templates" / "vacancies.csv",
        mimetype="text/csv",
        as_attachment=True,
        download_name="pathways-vacancies-template.csv",
    )


@bp.route("/imports/new", methods=["GET", "POST"])
@role_required("ministry", "admin")
def import_new():  # type: ignore[no-untyped-def]
    user = _user()
    _country(user)  # origin ministries do not post vacancies
    error = None
    if request.method == "POST":
        fmt = request.form.get("format", "")
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        if fmt not in FORMAT_NAMES:
            error = _("Choose the format of the file.")
        elif not data:
            error = _("Choose a file to upload.")
        else:
            try:
                iter_parse(fmt, data)
            except ImportFormatError as exc:
                error = messages.format_problem(exc)
        if error is None:
            session = db_session()
            batch = imports.new_batch(
                session,
                fmt=fmt,
                user=user,
                filename=upload.filename if upload else None,
                content=data if len(data) > INLINE_IMPORT_BYTES else None,
            )
            if len(data) > INLINE_IMPORT_BYTES:
                imports.queue_import(session, batch)
            else:
                imports.run_import(
                    session, batch, data, actor=actor_for(user), user=user, **vacancy_context()
                )
            return redirect(url_for("ministry.import_status", batch_id=batch.id))
    return render_template(
        "ministry/import_form.html",
        formats=FORMAT_NAMES,
        error=error,
        limit_mb=settings().max_upload_mb,
    ), 400 if error else 200


def _batch(batch_id: int, user: User) -> ImportBatch:
    session = db_session()
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    if (
        user.role == "ministry"
        and batch.uploaded_by_id != user.id
        and batch.country != user.country
    ):
        abort(403)
    if imports.fail_interrupted(session, batch):  # its web process died: say so, not "importing"
        session.commit()
    return batch


def _error_text(batch: ImportBatch) -> str | None:
    """The batch's error for its reader: an interrupted import in the page's language."""
    if batch.error == imports.INTERRUPTED:
        return _(
            "The service stopped during the import and nothing was saved. Upload the file again."
        )
    return batch.error


@bp.get("/imports/<int:batch_id>")
@role_required("ministry", "admin")
def import_status(batch_id: int):  # type: ignore[no-untyped-def]
    batch = _batch(batch_id, _user())
    return render_template("ministry/import_status.html", batch=batch, error=_error_text(batch))


@bp.get("/imports/<int:batch_id>.json")
@role_required("ministry", "admin")
def import_progress(batch_id: int):  # type: ignore[no-untyped-def]
    batch = _batch(batch_id, _user())
    return jsonify(
        status=batch.status,
        processed=batch.processed,
        received=batch.received,
        created=batch.created,
        updated=batch.updated,
        unchanged=batch.unchanged,
        rejected=len(batch.rejected or []),
        error=_error_text(batch),
    )
