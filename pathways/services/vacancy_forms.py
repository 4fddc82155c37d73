"""Turning the vacancy web form into an API-shaped body, and back (one validation path)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from matching.normalize import CA_PROVINCES, MX_STATES, US_STATES
from pathways.models import Vacancy
from pathways.schemas.vacancies import VacancyCreate

SUBDIVISIONS = {"US": US_STATES, "CA": CA_PROVINCES, "MX": MX_STATES}
CURRENCIES = {"US": "USD", "CA": "CAD", "MX": "MXN"}


def subdivision_choices(country: str) -> list[tuple[str, str]]:
    return sorted(
        ((f"{country}-{code}", name) for code, name in SUBDIVISIONS[country].items()),
        key=lambda item: item[1],
    )


def body_from_form(form: dict[str, str], country: str) -> dict[str, Any]:
    def value(name: str) -> str | None:
        text = (form.get(name) or "").strip()
        return text or None

    body: dict[str, Any] = {
        "program": value("program"),
        "title": value("title"),
        "title_lang": value("title_lang"),
        "positions": value("positions"),
        "worksite": {
            "country": country,
            "subdivision": value("subdivision"),
            "city": value("city"),
            "postal_code": value("postal_code"),
        },
        "start_date": value("start_date"),
        "end_date": value("end_date"),
        "external_ref": value("external_ref"),
        "hours_per_week": value("hours_per_week"),
        "housing_provided": form.get("housing_provided") == "on",
        "transport_provided": form.get("transport_provided") == "on",
        "requirements": {
            "experience_months": value("experience_months"),
            "languages": [x.strip() for x in (value("languages") or "").split(",") if x.strip()],
            "skills": value("skills"),
        },
    }
    if value("employer"):
        body["employer"] = {"name": value("employer")}
    if value("code"):
        body["occupation_code"] = {
            "system": value("code_system") or "SOC2018",
            "code": value("code"),
        }
    if value("wage_amount"):
        body["wage"] = {
            "amount": value("wage_amount"),
            "currency": value("wage_currency") or CURRENCIES[country],
            "per": value("wage_per") or "hour",
        }
    return body


def validate_form(
    form: dict[str, str], country: str
) -> tuple[VacancyCreate | None, dict[str, dict[str, Any]]]:
    """The validated body, or the first pydantic error of each form field (keyed by the
    field's name; the page words it in its language)."""
    try:
        return VacancyCreate.model_validate(body_from_form(form, country)), {}
    except ValidationError as exc:
        errors: dict[str, dict[str, Any]] = {}
        for err in exc.errors(include_url=False):
            loc = [str(p) for p in err["loc"]]
            errors.setdefault(_field_name(loc), dict(err))
        return None, errors


def _field_name(loc: list[str]) -> str:
    if not loc:
        return "form"
    head = loc[0]
    tail = loc[1] if len(loc) > 1 else ""
    if head == "worksite":
        return tail or "subdivision"
    if head == "wage":
        return f"wage_{tail}" if tail else "wage_amount"
    if head == "requirements":
        return {"skills": "skills", "languages": "languages"}.get(tail, "experience_months")
    if head == "occupation_code":
        return "code"
    if head == "employer":
        return "employer"
    return head


def form_from_vacancy(row: Vacancy) -> dict[str, str]:
    def s(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "program": row.program_code,
        "title": row.title,
        "title_lang": s(row.title_lang),
        "code_system": s(row.native_code_system),
        "code": s(row.native_code),
        "employer": s(row.employer_name),
        "positions": s(row.positions),
        "subdivision": s(row.worksite_subdivision),
        "city": s(row.worksite_city),
        "postal_code": s(row.worksite_postal_code),
        "wage_amount": s(row.wage_amount_minor / 100 if row.wage_amount_minor else None),
        "wage_currency": s(row.wage_currency),
        "wage_per": s(row.wage_per),
        "hours_per_week": s(row.hours_per_week),
        "start_date": s(row.start_date),
        "end_date": s(row.end_date),
        "housing_provided": "on" if row.housing_provided else "",
        "transport_provided": "on" if row.transport_provided else "",
        "experience_months": s(row.experience_months),
        "languages": ", ".join(row.languages),
        "skills": s(row.skills_text),
        "external_ref": s(row.external_ref),
    }
