"""What the applicant pages show, in plain words: names instead of codes, dates and money in
the reader's language, placement states as sentences."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.numbers import get_currency_name
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import lazy_gettext as _l

from pathways.models import Applicant
from pathways.reference.languages import language_name
from pathways.reference.places import origin_subdivisions
from pathways.schemas.codes import country_names
from pathways.services import offers
from pathways.services.vacancy_forms import SUBDIVISIONS
from pathways.web.applicant_forms import LICENCE_NAMES, SEX_NAMES

# Placement states as the person reads them: where it stands and what comes next.
STATUS_TEXT = {
    "proposed": _l("Proposal: the employer still has to confirm"),
    "offered": _l("Offer from the employer: you can accept it"),
    "accepted": _l("Accepted: the work permit is being prepared"),
    "authorized": _l("Work permit approved: the visa comes next"),
    "visa_issued": _l("Visa issued: get ready to travel"),
    "arrived": _l("You arrived at the job"),
    "completed": _l("Work completed"),
    "withdrawn": _l("Closed: this offer is no longer open"),
}
PERIODS = {
    "hour": _l("an hour"),
    "day": _l("a day"),
    "week": _l("a week"),
    "month": _l("a month"),
    "year": _l("a year"),
    "piece": _l("per piece (piece rate)"),
}
#: How many reasons of a match the offer shows.
TOP_REASONS = 3


def months_text(months: int) -> str:
    return ngettext("%(num)s month", "%(num)s months", months)


def long_date(value: date | None) -> str:
    return format_date(value, "long") if value else ""


def department_name(code: str | None) -> str | None:
    place = origin_subdivisions().get(code or "")
    return place.name if place else None


def profile(public: dict[str, Any], lang: str, program_names: dict[str, str]) -> dict[str, Any]:
    """The record of ``applicants.to_public`` with every code turned into words."""
    names = country_names(lang)
    residence = public["residence"]
    place = [department_name(residence["subdivision"]), names.get(residence["country"])]
    return {
        "name": public["name"],
        "nationality": names.get(public["nationality"], public["nationality"]),
        "birth_date": long_date(public["birth_date"]),
        "sex": str(SEX_NAMES.get(public["sex"], "")),
        "residence": ", ".join(p for p in place if p),
        "languages": [language_name(code, lang) for code in public["languages"]],
        "jobs": [
            {
                "title": j["title"],
                "months": months_text(j["months"]),
                "occupation": j["occupation"],
                "confirmed": j["confirmed"],
            }
            for j in public["experience"]
        ],
        "licences": [
            str(LICENCE_NAMES[c["licence"]]) if c.get("licence") in LICENCE_NAMES else c["name"]
            for c in public["certifications"]
        ],
        "available_from": long_date(public["available_from"]),
        "available_to": long_date(public["available_to"]),
        "destinations": [names.get(code, code) for code in public["destinations"]],
        "programs": [program_names.get(code, code) for code in public["programs"]],
        "returning_programs": [
            program_names.get(code, code) for code in public["returning_programs"]
        ],
        "named_by": [n["employer"] for n in public["named_by"]],
        "verified": public["verified"],
        "status": public["status"],
    }


def main_work(row: Applicant) -> tuple[str | None, int | None]:
    """The occupation the person did longest (ISCO-08) and its months, for the eligibility
    check; several jobs of the same occupation add up."""
    months: dict[str, int] = {}
    for job in row.experience:
        if job.get("isco08"):
            months[job["isco08"]] = months.get(job["isco08"], 0) + int(job.get("months") or 0)
    if not months:
        return None, None
    code = max(months, key=lambda c: months[c])
    return code, months[code]


def wage_text(vacancy: Any, lang: str) -> str | None:
    if vacancy.wage_amount_minor is None or not vacancy.wage_currency:
        return None
    amount = vacancy.wage_amount_minor / 100
    currency = get_currency_name(vacancy.wage_currency, count=amount, locale=lang)
    text = f"{format_decimal(amount, '#,##0.00')} {currency}"
    period = PERIODS.get(vacancy.wage_per or "")
    return f"{text} {period}" if period else text


def place_text(vacancy: Any, lang: str) -> str:
    country = country_names(lang).get(vacancy.worksite_country, vacancy.worksite_country)
    state = None
    if vacancy.worksite_subdivision:
        code = vacancy.worksite_subdivision.split("-")[-1]
        state = SUBDIVISIONS.get(vacancy.worksite_country, {}).get(code)
    return ", ".join(p for p in (vacancy.worksite_city, state, country) if p)


def reasons(explanation: dict[str, Any] | None) -> list[str]:
    """The strongest reasons of a match, as the sentences stored with it."""
    if not explanation:
        return []
    parts = [c for c in explanation.get("components", []) if (c.get("points") or 0) > 0]
    parts.sort(key=lambda c: -(c.get("points") or 0))
    return [c["text"] for c in parts[:TOP_REASONS] if c.get("text")]


def offer(
    item: offers.Offer, lang: str, program_names: dict[str, str], occupations: dict[str, str]
) -> dict[str, Any]:
    placement, vacancy, explanation = item.placement, item.vacancy, item.explanation
    status = placement.status
    return {
        "id": placement.id,
        "status": status,
        "status_text": str(STATUS_TEXT.get(status, status)),
        "title": vacancy.title,
        "occupation": occupations.get(vacancy.isco08 or ""),
        "employer": vacancy.employer_name,
        "place": place_text(vacancy, lang),
        "start": long_date(vacancy.start_date),
        "end": long_date(vacancy.end_date),
        "wage": wage_text(vacancy, lang),
        "hours": vacancy.hours_per_week,
        "housing": vacancy.housing_provided,
        "transport": vacancy.transport_provided,
        "program": program_names.get(placement.program_code, placement.program_code),
        "reasons": reasons(explanation),
        "review": (explanation or {}).get("review_text")
        if (explanation or {}).get("review")
        else None,
        "can_accept": status == "offered",
        "can_decline": status in ("proposed", "offered"),
    }


def consent_state(consent: dict[str, Any] | None) -> dict[str, Any]:
    if consent is None:
        return {"active": False, "given": None, "withdrawn": None, "version": None}
    return {
        "active": consent["withdrawn_at"] is None,
        "given": format_date(consent["given_at"], "long"),
        "withdrawn": format_date(consent["withdrawn_at"], "long")
        if consent["withdrawn_at"]
        else None,
        "version": consent["text_version"],
    }
