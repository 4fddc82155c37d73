"""The public eligibility page: a plain-language check, no account, nothing stored.

The answers go straight to the eligibility service and back into the page: no row is written,
no audit event is recorded and nothing but the language (and Flask-WTF's CSRF secret) is kept
in the session.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.fields import DateField, IntegerField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from pathways.extensions import limiter
from pathways.reference.languages import is_known_language, language_name, regional_languages
from pathways.requestctx import db_session, settings
from pathways.schemas.codes import country_names
from pathways.services import eligibility

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
# Other languages people of the region speak or learn abroad, offered by name in a list.
WORLD_LANGUAGES = ("pt", "it", "de", "zh", "ko", "ja", "ar", "nl")


def _lang() -> str:
    return str(get_locale() or "es")


def other_language_choices(lang: str) -> Any:
    """The region's other languages first, then a few world languages, all by name."""
    shown = {code for code, _name in LANGUAGES}
    regional = [(c, n) for c, n in regional_languages().items() if c not in shown]
    world = sorted(
        ((c, language_name(c, lang)) for c in WORLD_LANGUAGES), key=lambda item: _sort_key(item[1])
    )
    return grouped_options(
        {
            str(_l("Languages of Guatemala, Honduras and El Salvador")): regional,
            str(_l("Other languages")): world,
        }
    )


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


def _listed_language(_form: Any, field: SelectField) -> None:
    if field.data and not is_known_language(field.data):
        raise ValidationError(_l("Choose a language from the list."))


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
    other_language = SelectField(
        _l("Another language you speak"),
        widget=PlaceholderSelect(),
        validate_choice=False,
        validators=[Optional(), _listed_language],
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
        codes = [*(self.languages.data or []), self.other_language.data or ""]
        return list(dict.fromkeys(c for c in codes if c))


def make_form(lang: str) -> EligibilityForm:
    form = EligibilityForm()
    names = country_names(lang)
    form.nationality.choices = country_choices(lang)
    form.other_language.choices = other_language_choices(lang)
    form.destinations.choices = options((code, names[code]) for code in DESTINATIONS)
    return form


def _rate_limit() -> str:
    return settings().eligibility_rate_limit


@bp.route("/eligibility", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def form():  # type: ignore[no-untyped-def]
    lang = _lang()
    check_form = make_form(lang)
    check = cards = groups = None
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
        cards = eligibility.result_cards(
            db_session(), check.results, lang, cache_seconds=settings().catalog_cache_seconds
        )
        groups = eligibility.by_status(cards)
    elif request.method == "POST":
        status = 400
    return render_template(
        "eligibility/form.html",
        form=check_form,
        check=check,
        cards=cards,
        groups=groups,
        country_name=country_names(lang),
    ), status
