"""The public eligibility page: a plain-language check, no account, nothing stored.

The answers go straight to the eligibility service and back into the page: no row is written,
no audit event is recorded and nothing but the language (and Flask-WTF's CSRF secret) is kept
in the session.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from babel import Locale
from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateField, IntegerField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from pathways.extensions import limiter
from pathways.requestctx import db_session, settings
from pathways.schemas.codes import country_names
from pathways.services import eligibility, programs

try:  # WTForms 3.3 declares options as SelectChoice; tuples and dicts are deprecated there.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - WTForms < 3.3
    SelectChoice = None  # type: ignore[assignment,misc]

bp = Blueprint("eligibility", __name__)

ORIGINS_FIRST = ("GT", "HN", "SV", "MX")
DESTINATIONS = ("US", "CA", "MX")
# Language names in their own language: a speaker recognises their language whatever the page's.
LANGUAGES = (
    ("es", "español"),
    ("en", "English"),
    ("fr", "français"),
    ("quc", "K'iche'"),
    ("mam", "Mam"),
    ("kek", "Q'eqchi'"),
    ("cak", "Kaqchikel"),
    ("cab", "Garífuna"),
)
# ISO 639-3 codes of the region's languages that CLDR does not name (Mayan, Xinka, Lenca, …).
REGIONAL_LANGUAGES = frozenset(
    (  # noqa: SIM905 - a word list reads best as words
        "mam cak cab acr caa ixl jac kjb knj mop poc poh ttc tzj usp xin ppl miq pay jic sum len "
        "tzh tzo ctu yua toj lac"
    ).split()
)


def _lang() -> str:
    return str(get_locale() or "es")


def known_language(code: str) -> bool:
    return code in REGIONAL_LANGUAGES or code in Locale("en").languages


def _sort_key(name: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )


def options(pairs: Any, optgroup: str | None = None) -> list[Any]:
    """Select options in the form this WTForms version expects."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def grouped_options(groups: dict[str, list[tuple[str, str]]]) -> Any:
    if SelectChoice is None:
        return groups
    return [option for name, pairs in groups.items() for option in options(pairs, name)]


def country_choices(lang: str) -> Any:
    """Grouped choices: the region's countries first, then every country by name."""
    names = country_names(lang)
    everyone = sorted(names.items(), key=lambda item: _sort_key(item[1]))
    return grouped_options(
        {
            str(_l("Most common")): [(code, names[code]) for code in ORIGINS_FIRST],
            str(_l("All countries")): [(c, n) for c, n in everyone if c not in ORIGINS_FIRST],
        }
    )


class PlaceholderSelect(Select):
    """A grouped select that starts with an empty "Choose…" option outside the groups."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        html = str(super().__call__(field, **kwargs))
        selected = "" if field.data else " selected"
        placeholder = escape(str(_l("Choose…")))
        option = f'<option value=""{selected}>{placeholder}</option>'
        head, _sep, tail = html.partition(">")
        return Markup(f"{head}>{option}{tail}")


def _known_country(_form: Any, field: SelectField) -> None:
    if field.data not in country_names("en"):
        raise ValidationError(_l("Choose your nationality from the list."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
    label_langs = False

    def pre_validate(self, form: Any) -> None:
        values = {str(v) for v, *_rest in self.iter_choices()}
        for value in self.data or []:
            if value not in values:
                raise ValidationError(_l("Choose from the list."))


class LanguagesField(MultiCheckboxField):
    label_langs = True


def _not_future(_form: Any, field: DateField) -> None:
    if field.data is None:
        return
    if field.data > date.today():
        raise ValidationError(_l("The birth date cannot be in the future."))
    if field.data.year < date.today().year - 120:
        raise ValidationError(_l("Check the year of birth."))


def _after_start(form: Any, field: DateField) -> None:
    start = form.available_from.data
    if field.data is not None and start is not None and field.data < start:
        raise ValidationError(_l("The end of your availability is before its start."))


def _language_code(_form: Any, field: StringField) -> None:
    codes = [c.strip().lower() for c in (field.data or "").replace(";", ",").split(",")]
    for code in filter(None, codes):
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise ValidationError(
                _l("“%(code)s” is not a language code: use 2 or 3 letters, e.g. mam.", code=code)
            )
        if not known_language(code):
            raise ValidationError(_l("We do not know the language code “%(code)s”.", code=code))


class EligibilityForm(FlaskForm):
    nationality = SelectField(
        _l("Nationality"),
        widget=PlaceholderSelect(),
        validate_choice=False,
        validators=[InputRequired(_l("Choose your nationality.")), _known_country],
    )
    birth_date = DateField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Give your date of birth.")), _not_future],
    )
    languages = LanguagesField(_l("Languages you speak"), choices=options(LANGUAGES))
    other_language = StringField(
        _l("Another language (ISO 639 code)"),
        validators=[Optional(), Length(max=40), _language_code],
    )
    experience = TextAreaField(_l("Work you have done"), validators=[Optional(), Length(max=300)])
    experience_months = IntegerField(
        _l("Months of experience"),
        validators=[
            Optional(),
            NumberRange(0, 720, _l("Give a number of months between 0 and 720.")),
        ],
    )
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_to = DateField(_l("Available until"), validators=[Optional(), _after_start])
    destinations = MultiCheckboxField(_l("Countries where you would like to work"))

    def language_codes(self) -> list[str]:
        extra = (self.other_language.data or "").replace(";", ",").split(",")
        codes = [*(self.languages.data or []), *(c.strip().lower() for c in extra)]
        return list(dict.fromkeys(c for c in codes if c))


def make_form(lang: str) -> EligibilityForm:
    form = EligibilityForm()
    names = country_names(lang)
    form.nationality.choices = country_choices(lang)
    form.destinations.choices = options((code, names[code]) for code in DESTINATIONS)
    return form


def result_cards(results: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """What each card shows: problems first, then what was met; catalog order."""
    catalog = {
        p.code: p
        for p in programs.get_catalog(db_session(), max_age=settings().catalog_cache_seconds)
    }
    order = {code: i for i, code in enumerate(programs.PROGRAM_ORDER)}
    cards = []
    for result in sorted(results, key=lambda r: (order.get(r["program"], 99), r["program"])):
        program = catalog.get(result["program"])
        reasons = result["reasons"]
        cards.append(
            {
                "code": result["program"],
                "destination": result["destination"],
                "name": program.name.get(lang) if program else result["program"],
                "url": program.url if program else None,
                "status": result["status"],
                "failed": [r for r in reasons if r["passed"] is False],
                "undecided": [r for r in reasons if r["passed"] is None],
                "passed": [r for r in reasons if r["passed"] is True],
                "next_steps": result["next_steps"],
            }
        )
    return cards


def _rate_limit() -> str:
    return settings().eligibility_rate_limit


@bp.route("/eligibility", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def form():  # type: ignore[no-untyped-def]
    lang = _lang()
    check_form = make_form(lang)
    check = cards = None
    status = 200
    if check_form.validate_on_submit():
        check = eligibility.check_eligibility(
            db_session(),
            nationality=check_form.nationality.data,
            birth_date=check_form.birth_date.data,
            lang=lang,
            languages=check_form.language_codes(),
            occupation_title=(check_form.experience.data or "").strip() or None,
            experience_months=check_form.experience_months.data,
            available_from=check_form.available_from.data,
            available_to=check_form.available_to.data,
            destinations=check_form.destinations.data or [],
            cache_seconds=settings().catalog_cache_seconds,
        )
        cards = result_cards(check.results, lang)
    elif request.method == "POST":
        status = 400
    return render_template(
        "eligibility/form.html",
        form=check_form,
        check=check,
        cards=cards,
        country_name=country_names(lang),
    ), status
