"""From the applicant's form to the API's schemas and back: the typed values become an
``ApplicantCreate`` or ``ApplicantUpdate`` body, and every error of pydantic or of the service
is put next to the field it concerns, in the page's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError

from pathways.models import Applicant
from pathways.schemas.applicants import ApplicantCreate, ApplicantUpdate
from pathways.services.accounts import MIN_PASSWORD_LENGTH
from pathways.services.applicants import ApplicantError
from pathways.web import messages
from pathways.web.applicant_forms import LICENCE_NAMES, ApplicantFieldsForm, RegistrationForm


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _body(
    form: ApplicantFieldsForm,
    country: str | None,
    confirmed: dict[str, str],
) -> tuple[dict[str, Any], list[int]]:
    """The API-shaped body of the fields both forms share, and for each job sent the row of
    the form it came from (to put its errors back on that row)."""
    jobs, rows = [], []
    for index, entry in enumerate(form.jobs.entries):
        title, months = _text(entry.form.title.data), _text(entry.form.months.data)
        if title is None and months is None:
            continue
        job: dict[str, Any] = {}
        if title is not None:
            job["title"] = title
            # A job the person already confirmed keeps its occupation while its words stay.
            if title in confirmed:
                job["isco08"] = confirmed[title]
        if months is not None:
            job["months"] = months
        jobs.append(job)
        rows.append(index)
    department = _text(form.department.data)
    residence_country = department.split("-")[0] if department else country
    employer = _text(form.named_by.data)
    body = {
        "residence": {"country": residence_country, "subdivision": department},
        "languages": form.language_codes(),
        "experience": jobs,
        "certifications": [
            {"name": str(LICENCE_NAMES.get(code, code)), "licence": code}
            for code in form.licences.data or []
        ],
        "available_from": _text(form.available_from.data),
        "available_to": _text(form.available_to.data),
        "destinations": list(form.destinations.data or []),
        "programs": list(form.programs.data or []),
        "returning_programs": list(form.returning_programs.data or []),
        "named_by": [{"employer": employer}] if employer else [],
    }
    return body, rows


def registration_body(
    form: RegistrationForm, lang: str, *, account: bool
) -> ApplicantCreate | None:
    """The validated registration, or None with every error put on its field; ``account``:
    the e-mail and password of a new account are checked too."""
    nationality = _text(form.nationality.data)
    body, rows = _body(form, nationality, {})
    body.update(
        name=_text(form.name.data),
        nationality=nationality,
        birth_date=_text(form.birth_date.data),
        sex=_text(form.sex.data),
        consent=bool(form.consent.data),
        preferred_lang=lang,
        consent_lang=lang,
    )
    body = {k: v for k, v in body.items() if v is not None}
    if body["residence"]["country"] is None:
        del body["residence"]  # no nationality and no department: only the nationality errs
    account_ok = _check_account(form) if account else True
    try:
        data = ApplicantCreate.model_validate(body)
    except ValidationError as exc:
        _attach(form, exc, rows)
        return None
    return data if account_ok else None


def update_body(form: ApplicantFieldsForm, row: Applicant) -> ApplicantUpdate | None:
    confirmed = {
        j["title"]: j["isco08"] for j in row.experience if j.get("confirmed") and j.get("isco08")
    }
    body, rows = _body(form, row.nationality, confirmed)
    # What the form does not show is kept: certificates without a licence code (written by a
    # ministry or through the API) and the employers after the first.
    body["certifications"] += [c for c in row.certifications if not c.get("licence")]
    typed, before = body["named_by"], list(row.named_by)
    if typed and before and typed[0]["employer"] == before[0].get("employer"):
        typed = before[:1]
    body["named_by"] = typed + before[1:]
    try:
        return ApplicantUpdate.model_validate(body)
    except ValidationError as exc:
        _attach(form, exc, rows)
        return None


def _check_account(form: RegistrationForm) -> bool:
    email, password = _text(form.email.data), form.password.data or ""
    if email is None:
        _add(form.email, _("Write your e-mail address."))
    elif "@" not in email.strip("@") or len(email) > 254 or " " in email:
        _add(form.email, _("Write a valid e-mail address, for example maria@example.com."))
    if not password:
        _add(form.password, _("Choose a password."))
    elif len(password) < MIN_PASSWORD_LENGTH:
        _add(
            form.password,
            _("The password must have at least %(num)s characters.", num=MIN_PASSWORD_LENGTH),
        )
    return not (form.email.errors or form.password.errors)


# Messages about one field that say more than the general ones of ``messages``.
def _specific(name: str, err: dict[str, Any]) -> str | None:
    kind, text = err["type"], str(err.get("msg", ""))
    if name == "consent":
        return _("Tick the box if you agree: without your agreement we cannot keep your data.")
    if name == "birth_date":
        if kind == "missing":
            return _("Give your date of birth.")
        if "in the future" in text:
            return _("The birth date cannot be in the future.")
    if name == "nationality" and kind in ("missing", "unknown_country"):
        return _("Choose your nationality from the list.")
    if name == "name" and kind == "missing":
        return _("Write your name.")
    if name == "sex" and kind in ("missing", "literal_error"):
        return _("Choose one of the options.")
    if name == "department":
        return _("Choose your department from the list.")
    if name in ("languages", "destinations", "programs", "returning_programs", "licences"):
        return _("Choose from the list.")
    if name == "title" and kind == "missing":
        return _("Write what work you did.")
    if name == "months" and kind == "missing":
        return _("Write for how many months you did this work.")
    return None


_FIELD_OF = {"residence": "department", "certifications": "licences", "experience": "jobs"}


def _attach(form: ApplicantFieldsForm, exc: ValidationError, rows: list[int]) -> None:
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        name = _FIELD_OF.get(loc[0], loc[0])
        if name == "department" and err["type"] == "missing":
            continue  # no nationality and no department: the nationality's error says it
        if name == "jobs" and len(loc) >= 3 and loc[1].isdigit():
            entry = form.jobs.entries[rows[int(loc[1])]]
            field = getattr(entry.form, loc[2], entry.form.title)
            _add(field, _specific(loc[2], err) or messages.pydantic_error(err))
            continue
        field = getattr(form, name, None)
        if field is None:  # e.g. a list too long: say it on the work history
            field = form.jobs.entries[0].form.title
        _add(field, _specific(name, err) or messages.pydantic_error(err))


def _add(field: Any, message: str) -> None:
    errors = list(field.errors or [])
    if message not in errors:
        errors.append(message)
    field.errors = errors


def service_error(form: ApplicantFieldsForm, exc: ApplicantError) -> None:
    """Put a service's refusal next to the field it names."""
    if exc.field == "email":
        message = (
            _("An account with this e-mail already exists. Sign in with it, or use another e-mail.")
            if exc.status == 409 and "already exists" in exc.message
            else _("Write a valid e-mail address, for example maria@example.com.")
        )
        _add(form["email"], message)
        return
    if exc.field == "available_to":
        _add(form.available_to, _("The end of your availability is before its start."))
        return
    # Nothing else is expected from a valid form (the schema checked it): say it plainly.
    field = getattr(form, exc.field, None) or form.jobs.entries[0].form.title
    _add(field, _("This could not be saved. Please check your answers and try again."))


PAGE_ORDER = (
    "email",
    "password",
    "name",
    "nationality",
    "birth_date",
    "sex",
    "department",
    "languages",
    "other_language",
    "jobs",
    "licences",
    "available_from",
    "available_to",
    "destinations",
    "programs",
    "returning_programs",
    "named_by",
    "consent",
)


def problems(form: ApplicantFieldsForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) of every error, in the order of the page."""
    found = []
    for name in PAGE_ORDER:
        if name not in form:
            continue
        if name == "jobs":
            for number, entry in enumerate(form.jobs.entries, start=1):
                for sub in entry.form:
                    label = _("Job %(n)s: %(field)s", n=number, field=sub.label.text)
                    found.extend((sub.id, label, message) for message in sub.errors or [])
            continue
        field = form[name]
        found.extend((field.id, str(field.label.text), message) for message in field.errors or [])
    return found
