"""The applicant's registration and profile forms: fields for a phone, their choices by name,
and the profile as the edit form starts from it.

WTForms only renders the fields and keeps what was typed; what is valid is decided by the API's
schemas (see :mod:`pathways.web.applicant_input`), so the web and the API accept the same data.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.widgets import DateInput, PasswordInput

from pathways.models import Applicant
from pathways.models.enums import LICENCES, ORIGINS
from pathways.reference.languages import language_name
from pathways.reference.places import origin_subdivisions
from pathways.schemas.codes import country_names
from pathways.web.eligibility import (
    DESTINATIONS,
    LANGUAGES,
    LanguagesField,
    MultiCheckboxField,
    PlaceholderSelect,
    country_choices,
    grouped_options,
    options,
    other_language_choices,
)

#: Rows of work history shown without JavaScript; a script may add more, up to the schema's 15.
JOB_ROWS = 3
MAX_JOBS = 15

LICENCE_NAMES = {
    "driver": _l("Driving licence"),
    "commercial_driver": _l("Licence to drive trucks or buses"),
    "forklift": _l("Forklift certificate"),
    "pesticide_applicator": _l("Certificate to apply pesticides"),
    "welding": _l("Welding certificate"),
    "food_handler": _l("Food handling certificate"),
    "first_aid": _l("First aid certificate"),
}
assert set(LICENCE_NAMES) == set(LICENCES), "every licence needs a plain name"

SEX_NAMES = {"F": _l("Woman"), "M": _l("Man"), "X": _l("Other")}


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


def department_choices(lang: str) -> Any:
    """The departments of Guatemala, El Salvador and Honduras, grouped by country, by name."""
    names = country_names(lang)
    groups: dict[str, list[tuple[str, str]]] = {}
    for country in ORIGINS:
        places = [s for s in origin_subdivisions().values() if s.country == country]
        groups[names[country]] = sorted(
            ((s.code, s.name) for s in places), key=lambda item: _fold(item[1])
        )
    return grouped_options(groups)


class JobForm(Form):
    title = StringField(_l("What work did you do?"))
    months = StringField(_l("For how many months?"))


class ApplicantFieldsForm(FlaskForm):
    """What a registered person may change later (``ApplicantUpdate``)."""

    department = SelectField(
        _l("Department where you live"), widget=PlaceholderSelect(), validate_choice=False
    )
    languages = LanguagesField(_l("Languages you speak"), choices=options(LANGUAGES))
    other_language = SelectField(
        _l("Another language you speak"), widget=PlaceholderSelect(), validate_choice=False
    )
    jobs = FieldList(FormField(JobForm), min_entries=JOB_ROWS, max_entries=MAX_JOBS)
    licences = MultiCheckboxField(_l("Licences and certificates you have"))
    available_from = StringField(_l("I can travel from"), widget=DateInput())
    available_to = StringField(_l("I can travel until"), widget=DateInput())
    destinations = MultiCheckboxField(_l("Countries where you would like to work"))
    programs = MultiCheckboxField(_l("Programs you prefer (optional)"))
    returning_programs = MultiCheckboxField(_l("I have worked with a visa before in"))
    named_by = StringField(_l("An employer asked for me by name"))

    def language_codes(self) -> list[str]:
        codes = [*(self.languages.data or []), self.other_language.data or ""]
        return list(dict.fromkeys(c for c in codes if c))


class RegistrationForm(ApplicantFieldsForm):
    email = EmailField(_l("E-mail"))
    password = PasswordField(_l("Password"), widget=PasswordInput(hide_value=False))
    name = StringField(_l("Your full name"))
    nationality = SelectField(_l("Nationality"), widget=PlaceholderSelect(), validate_choice=False)
    birth_date = StringField(_l("Date of birth"), widget=DateInput())
    sex = RadioField(_l("Sex"), validate_choice=False)
    consent = BooleanField(_l("I have read this text and I agree"))


def _fill_choices(form: ApplicantFieldsForm, lang: str, program_names: dict[str, str]) -> None:
    names = country_names(lang)
    form.department.choices = department_choices(lang)
    form.other_language.choices = other_language_choices(lang)
    form.licences.choices = options((code, str(LICENCE_NAMES[code])) for code in LICENCES)
    form.destinations.choices = options((code, names[code]) for code in DESTINATIONS)
    form.programs.choices = options(program_names.items())
    form.returning_programs.choices = options(program_names.items())
    if isinstance(form, RegistrationForm):
        form.nationality.choices = country_choices(lang)
        form.sex.choices = [(code, str(label)) for code, label in SEX_NAMES.items()]


def make_registration_form(lang: str, program_names: dict[str, str]) -> RegistrationForm:
    form = RegistrationForm()
    _fill_choices(form, lang, program_names)
    return form


def make_edit_form(
    lang: str, program_names: dict[str, str], row: Applicant, *, posted: bool
) -> ApplicantFieldsForm:
    """The edit form; on a GET it starts from what the person registered. Languages of the
    record beyond the listed ones get a box of their own, so saving never drops one."""
    form = ApplicantFieldsForm(data=None if posted else _data_from(row))
    _fill_choices(form, lang, program_names)
    listed = {code for code, _name in LANGUAGES}
    extra = [(c, language_name(c, lang)) for c in row.languages if c not in listed]
    form.languages.choices = options([*LANGUAGES, *extra])
    return form


def _data_from(row: Applicant) -> dict[str, Any]:
    jobs = [
        {"title": j.get("title", ""), "months": str(j.get("months", ""))} for j in row.experience
    ]
    if len(jobs) < MAX_JOBS:  # one empty row to add a job without a script
        jobs.append({"title": "", "months": ""})
    return {
        "department": row.residence_subdivision or "",
        "languages": list(row.languages),
        "other_language": "",
        "jobs": jobs,
        "licences": [c["licence"] for c in row.certifications if c.get("licence")],
        "available_from": row.available_from.isoformat() if row.available_from else "",
        "available_to": row.available_to.isoformat() if row.available_to else "",
        "destinations": list(row.destinations),
        "programs": list(row.programs),
        "returning_programs": list(row.returning_programs),
        "named_by": row.named_by[0]["employer"] if row.named_by else "",
    }
