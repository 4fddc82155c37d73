"""The staff form to register one person: choices shown by name, the body that
``ApplicantCreate`` validates (the API's own schema, so both paths accept the same people),
and each of pydantic's errors placed next to the field it is about, in the page's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import BooleanField, RadioField, SelectField, StringField

from pathways.models import User
from pathways.models.enums import ORIGINS
from pathways.schemas.applicants import ApplicantCreate
from pathways.services.applicants import CONSENT_VERSION
from pathways.web import labels, messages, staff
from pathways.web.eligibility import (
    LANGUAGES,
    LanguagesField,
    MultiCheckboxField,
    grouped_options,
    options,
)

JOBS = 3  # rows of work history on the form; the API takes up to 15
DATE = {"type": "date"}
MONTHS = {"type": "number", "min": "0", "max": "720", "inputmode": "numeric"}


class RegistrationForm(FlaskForm):
    name = StringField(_l("Full name"), render_kw={"autocomplete": "off"})
    nationality = SelectField(_l("Nationality"), validate_choice=False)
    birth_date = StringField(_l("Date of birth"), render_kw=DATE)
    sex = RadioField(_l("Sex"), validate_choice=False)
    subdivision = SelectField(_l("Department of residence"), validate_choice=False)
    id_document = StringField(_l("Identity document number"))
    phone = StringField(_l("Phone"), render_kw={"type": "tel", "autocomplete": "off"})
    languages = LanguagesField(_l("Languages spoken"), choices=options(LANGUAGES))
    other_languages = StringField(_l("Other languages"))
    job1_title = StringField(_l("Job 1"))
    job1_months = StringField(_l("Months in job 1"), render_kw=MONTHS)
    job2_title = StringField(_l("Job 2"))
    job2_months = StringField(_l("Months in job 2"), render_kw=MONTHS)
    job3_title = StringField(_l("Job 3"))
    job3_months = StringField(_l("Months in job 3"), render_kw=MONTHS)
    available_from = StringField(_l("Available from"), render_kw=DATE)
    available_to = StringField(_l("Available until"), render_kw=DATE)
    destinations = MultiCheckboxField(_l("Countries where the person would work"))
    programs = MultiCheckboxField(_l("Programs of interest (optional)"))
    preferred_lang = SelectField(
        _l("Language of the messages to the person"),
        choices=options([("es", "español"), ("en", "English"), ("fr", "français")]),
        validate_choice=False,
    )
    external_ref = StringField(_l("Your reference (optional)"))
    consent = BooleanField(_l("The person agreed to be matched to work offers"))


def make_form(user: User) -> RegistrationForm:
    form = RegistrationForm()
    countries = (user.country,) if user.role == "ministry" else ORIGINS
    names = {c: staff.country_name(c) for c in (*ORIGINS, "US", "CA", "MX")}
    form.nationality.choices = options((c, names[c]) for c in countries)
    form.sex.choices = options((code, str(text)) for code, text in labels.SEX.items())
    by_country = staff.departments(tuple(c for c in countries if c))
    if len(by_country) == 1:
        form.subdivision.choices = options(
            [("", str(_l("Choose…"))), *next(iter(by_country.values()))]
        )
    else:
        form.subdivision.choices = [
            *options([("", str(_l("Choose…")))]),
            *grouped_options({names[c]: items for c, items in by_country.items()}),
        ]
    form.destinations.choices = options((c, names[c]) for c in ("US", "CA", "MX"))
    form.programs.choices = options(staff.program_names().items())
    return form


def _text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def body_from_form(form: RegistrationForm, user: User) -> tuple[dict[str, Any], dict[int, str]]:
    """The API body the form stands for, and which form row each job of it came from."""
    nationality = user.country if user.role == "ministry" else _text(form.nationality.data)
    checked = list(form.languages.data or [])
    others = [c.strip().lower() for c in (form.other_languages.data or "").split(",") if c.strip()]
    jobs, rows = [], {}
    for row in range(1, JOBS + 1):
        title = _text(getattr(form, f"job{row}_title").data)
        months = _text(getattr(form, f"job{row}_months").data)
        if title is None and months is None:
            continue
        job: dict[str, Any] = {"title": title or ""}
        if months is not None:
            job["months"] = months
        rows[len(jobs)] = f"job{row}"
        jobs.append(job)
    body = {
        "name": _text(form.name.data),
        "nationality": nationality,
        "birth_date": _text(form.birth_date.data),
        "sex": form.sex.data or None,
        "residence": {"country": nationality, "subdivision": _text(form.subdivision.data)},
        "languages": [*checked, *others],
        "experience": jobs,
        "available_from": _text(form.available_from.data),
        "available_to": _text(form.available_to.data),
        "destinations": list(form.destinations.data or []),
        "programs": list(form.programs.data or []),
        "phone": _text(form.phone.data),
        "id_document": _text(form.id_document.data),
        "preferred_lang": form.preferred_lang.data or "es",
        "external_ref": _text(form.external_ref.data),
        "consent": bool(form.consent.data),
        "consent_lang": form.preferred_lang.data or "es",
    }
    return {k: v for k, v in body.items() if v is not None}, rows


def _field_for(loc: tuple[Any, ...], checked: int, jobs: dict[int, str]) -> str:
    """The form field a pydantic error location is about."""
    head = str(loc[0]) if loc else ""
    if head == "residence":
        return "nationality" if loc[1:2] == ("country",) else "subdivision"
    if head == "languages":
        return "languages" if len(loc) > 1 and int(loc[1]) < checked else "other_languages"
    if head == "experience" and len(loc) > 1 and isinstance(loc[1], int):
        part = "months" if loc[2:3] == ("months",) else "title"
        return f"{jobs.get(loc[1], 'job1')}_{part}"
    if head == "experience":
        return "job1_title"
    if head == "consent_lang":
        return "preferred_lang"
    return head


def validate(form: RegistrationForm, user: User) -> ApplicantCreate | None:
    """The validated body, or None with each problem added to its field's errors."""
    body, jobs = body_from_form(form, user)
    try:
        return ApplicantCreate.model_validate(body)
    except ValidationError as exc:
        checked = len(form.languages.data or [])
        for err in exc.errors(include_url=False):
            name = _field_for(tuple(err["loc"]), checked, jobs)
            add_error(form, name, messages.pydantic_error(dict(err)))
        return None


def add_error(form: RegistrationForm, name: str, message: str) -> None:
    field = getattr(form, name, None)
    target = field if field is not None and hasattr(field, "errors") else form.name
    errors = list(target.errors or [])
    if message not in errors:
        errors.append(message)
    target.errors = errors


def consent_text() -> str:
    return str(
        _l(
            "Consent text version %(version)s: the person was told which data are kept, why, "
            "and that they can withdraw at any time.",
            version=CONSENT_VERSION,
        )
    )
