"""Problems shown on pages, in the reader's language.

Services and importers describe a problem once, in English, with a template and its values
(see :class:`pathways.imports.FieldError`); pydantic describes its own by an error type.
Here both become a sentence in the page's language. The API keeps the English messages.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

# Pydantic error types → what a person filling a form needs to read.
_BY_TYPE = {
    "missing": _l("This field is required."),
    "date_from_datetime_parsing": _l("Enter a valid date (day, month and year)."),
    "date_parsing": _l("Enter a valid date (day, month and year)."),
    "date_type": _l("Enter a valid date (day, month and year)."),
    "int_parsing": _l("Enter a whole number."),
    "int_type": _l("Enter a whole number."),
    "int_from_float": _l("Enter a whole number."),
    "decimal_parsing": _l("Enter a number."),
    "decimal_type": _l("Enter a number."),
    "float_parsing": _l("Enter a number."),
    "greater_than_equal": _l("Enter a number of at least %(ge)s."),
    "greater_than": _l("Enter a number greater than %(gt)s."),
    "less_than_equal": _l("Enter a number of at most %(le)s."),
    "less_than": _l("Enter a number smaller than %(lt)s."),
    "string_too_short": _l("Enter at least %(min_length)s characters."),
    "string_too_long": _l("Enter at most %(max_length)s characters."),
    "too_long": _l("Enter at most %(max_length)s items."),
    "string_pattern_mismatch": _l("This value does not have the expected form."),
    "literal_error": _l("Choose one of the options."),
    "enum": _l("Choose one of the options."),
    "decimal_max_places": _l("Use at most %(decimal_places)s decimals."),
    "decimal_max_digits": _l("Use at most %(max_digits)s digits."),
    "bool_parsing": _l("Answer yes or no."),
    "unknown_country": _l("“%(value)s” is not a country code we know."),
    "language_code": _l("“%(value)s” is not a language code."),
    "unknown_language": _l("“%(value)s” is not a language we know."),
    "subdivision_country": _l("%(subdivision)s is not in %(country)s."),
    "program_country": _l("The program %(program)s is not for work in %(country)s."),
    "low_wage_over_workforce": _l(
        "The low-wage foreign workers (%(low_wage)s) are more than the workforce (%(workforce)s)."
    ),
}
# Messages of our own validators (plain ValueError) → their translations.
_BY_MESSAGE = {
    "is before start_date": _l("The end date is before the start date."),
    "is in the past: the work has already ended": _l(
        "The end date has passed: the work has already ended."
    ),
    "is in the future": _l("The date cannot be in the future."),
    "is more than 120 years ago": _l("Check the year."),
    "is before available_from": _l("The end of the availability is before its start."),
    "must be true: nothing is stored without the person's consent": _l(
        "The person's consent is required: nothing is stored without it."
    ),
    "give at least one group": _l("Give a share for at least one group."),
    "each share must be between 0 and 1": _l("Each share must be between 0 and 100%."),
    "the shares add up to more than 1": _l("The shares add up to more than 100%."),
}
# Problems that services describe with an English template (ApplicantError, RunError, import
# rows) → the sentence a page shows, with the same %(placeholders)s.
_BY_TEMPLATE = {
    "a %(country)s ministry registers only %(country)s nationals": _l(
        "A %(country)s ministry registers only %(country)s nationals."
    ),
    "only an origin ministry (GT, SV, HN) registers applicants": _l(
        "Only an origin ministry (GT, SV, HN) registers applicants."
    ),
    "an applicant with external_ref “%(ref)s” already exists": _l(
        "A person with the reference “%(ref)s” is already registered."
    ),
    "you may not verify this applicant": _l("You may not verify this person."),
    "this flag was already resolved": _l("Someone already decided about this pair."),
    "only a finished run can be published": _l("Only a finished run can be published."),
}


def pydantic_error(err: dict[str, Any]) -> str:
    """One pydantic error (from ``ValidationError.errors()``) in the page's language."""
    if err["type"] == "value_error":
        plain = str(err["msg"]).removeprefix("Value error, ")
        known = _BY_MESSAGE.get(plain)
        return str(known) if known is not None else plain
    template = _BY_TYPE.get(err["type"])
    if template is None:
        return str(err["msg"])
    context = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int | float)}
    try:
        return str(template) % context if context else str(template)
    except (KeyError, ValueError, TypeError):
        return str(template)


def pydantic_errors(exc: ValidationError) -> list[tuple[tuple[str, ...], str]]:
    """``(location, message)`` of every error, messages in the page's language."""
    return [
        (tuple(str(p) for p in err["loc"]), pydantic_error(err))  # type: ignore[arg-type]
        for err in exc.errors(include_url=False)
    ]


def stored_error(err: dict[str, Any]) -> str:
    """An import or vacancy error as stored (``template``, ``params``, ``column``), translated;
    the stored English message when there is nothing to translate it with."""
    template = err.get("template")
    if not template:
        return str(err.get("message", ""))
    params = dict(err.get("params") or {})
    if isinstance(params.get("kind"), str):  # a kind of file, itself an English phrase
        params["kind"] = gettext(params["kind"])
    text = gettext(template, **params) if params else gettext(template)
    if err.get("column"):
        text += " " + gettext("(column %(name)s)", name=err["column"])
    return text


def service_problem(template: str | None, params: dict[str, Any] | None, message: str) -> str:
    """A service's problem (``template`` with ``params``, or only its English ``message``)
    in the page's language."""
    known = _BY_TEMPLATE.get(template or message)
    if known is not None:
        try:
            return str(known) % (params or {}) if params else str(known)
        except (KeyError, ValueError, TypeError):
            return str(known)
    return stored_error({"template": template, "params": params, "message": message})


def row_error(err: dict[str, Any]) -> str:
    """A row error of a detailed import report (see ``applicant_imports.import_file``)."""
    if err.get("error"):
        return pydantic_error(err["error"])
    return service_problem(err.get("template"), err.get("params"), str(err.get("message", "")))


def format_problem(exc: Any) -> str:
    """An exception carrying ``template``/``params`` (ImportFormatError, VacancyError)."""
    return stored_error(
        {"template": getattr(exc, "template", None), "params": exc.params, "message": str(exc)}
    )
