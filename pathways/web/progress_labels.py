"""Names people read for the codes of the progress pages, in the page's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from pathways.reference.places import origin_subdivisions
from pathways.requestctx import db_session
from pathways.schemas.codes import country_names
from pathways.services import programs

SEX = {"F": _l("Women"), "M": _l("Men"), "X": _l("Another or not said")}
NEW_VS_RETURNING = {
    "new": _l("New to the program"),
    "returning": _l("Had worked in the program before"),
}
SLOT_CAUSES = {
    "offer_rules": _l("The job offer does not meet the program's rules"),
    "rules": _l("No applicant may go under the program's rules (for example, nationality)"),
    "occupation": _l("Nobody registered has this occupation"),
    "destination": _l("Nobody registered wants to work in this country"),
    "dates": _l("Nobody is available for the season's dates"),
    "requirements": _l("Nobody has the language or licence the job requires"),
    "cap": _l("The program's visa cap was reached"),
    "supply": _l("Too few candidates: everyone who fit was placed"),
}
APPLICANT_CAUSES = {
    "rules": _l("No program is open to them under its rules (for example, nationality)"),
    "occupation": _l("No vacancy for their occupation"),
    "destination": _l("No vacancy in the countries they chose"),
    "dates": _l("No vacancy in the dates they are available"),
    "requirements": _l("They lack a language or licence the vacancies require"),
    "competition": _l("Others fitted the vacancies they could take better"),
}


def lang() -> str:
    return str(get_locale() or "es")


def country(code: str) -> str:
    return country_names(lang()).get(code, code)


def program_names() -> dict[str, str]:
    """Program code → its name in the page's language (the catalog's own names)."""
    here = lang()
    return {p.code: p.name.get(here) for p in programs.get_catalog(db_session())}


def place(code: str) -> str:
    """A department by name ("Quetzaltenango (GT)"), or "not given" for a country alone."""
    if "-" not in code:
        return str(_l("Department not given (%(country)s)", country=country(code)))
    found = origin_subdivisions().get(code)
    return f"{found.name} ({found.country})" if found else code


def sex(code: str) -> str:
    return str(SEX.get(code, code))
