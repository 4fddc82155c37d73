"""A vacancy's three shapes: the API's nested JSON, the importers' ParsedVacancy, the row."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from pathways.imports import ParsedVacancy
from pathways.models import Vacancy


def from_api(
    body: dict[str, Any], *, source: str, base: ParsedVacancy | None = None
) -> ParsedVacancy:
    """A ParsedVacancy from an API body (nested as in API.md); `base` fills absent fields."""
    values: dict[str, Any] = (
        asdict(base)
        if base is not None
        else {
            "external_ref": "",
            "employer_name": None,
            "title_lang": None,
            "native_code_system": None,
            "native_code": None,
            "worksite_subdivision": None,
            "worksite_city": None,
            "worksite_postal_code": None,
            "wage_amount": None,
            "wage_currency": None,
            "wage_per": None,
            "hours_per_week": None,
            "start_date": None,
            "end_date": None,
            "housing_provided": None,
            "transport_provided": None,
            "experience_months": None,
            "languages": [],
            "skills_text": None,
            "status": "open",
            "raw": {},
        }
    )
    values["source"], values["wage_hourly"] = source, None
    flat = {
        k: body[k]
        for k in (
            "program",
            "title",
            "title_lang",
            "positions",
            "start_date",
            "end_date",
            "hours_per_week",
            "housing_provided",
            "transport_provided",
            "status",
        )
        if k in body
    }
    if "program" in flat:
        flat["program"] = flat.pop("program")
    values.update(flat)
    if body.get("external_ref") is not None:
        values["external_ref"] = body["external_ref"]
    if "employer" in body:
        values["employer_name"] = (body["employer"] or {}).get("name")
    if body.get("occupation_code"):
        values["native_code_system"] = body["occupation_code"]["system"]
        values["native_code"] = body["occupation_code"]["code"]
    if body.get("worksite"):
        site = body["worksite"]
        values.update(
            worksite_country=site["country"],
            worksite_subdivision=site.get("subdivision"),
            worksite_city=site.get("city"),
            worksite_postal_code=site.get("postal_code"),
        )
    if "wage" in body:
        wage = body["wage"] or {}
        values.update(
            wage_amount=wage.get("amount"),
            wage_currency=wage.get("currency"),
            wage_per=wage.get("per"),
        )
    if body.get("requirements") is not None:
        req = body["requirements"]
        values.update(
            experience_months=req.get("experience_months"),
            languages=list(req.get("languages") or []),
            skills_text=req.get("skills"),
        )
    return ParsedVacancy(**values)


def as_parsed(row: Vacancy) -> ParsedVacancy:
    """A stored vacancy back in the importers' shape (for partial updates)."""
    return ParsedVacancy(
        external_ref=row.external_ref or "",
        program=row.program_code,
        employer_name=row.employer_name,
        title=row.title,
        title_lang=row.title_lang,
        native_code_system=row.native_code_system,
        native_code=row.native_code,
        positions=row.positions,
        worksite_country=row.worksite_country,
        worksite_subdivision=row.worksite_subdivision,
        worksite_city=row.worksite_city,
        worksite_postal_code=row.worksite_postal_code,
        wage_amount=Decimal(row.wage_amount_minor) / 100 if row.wage_amount_minor else None,
        wage_currency=row.wage_currency,
        wage_per=row.wage_per,
        wage_hourly=None,
        hours_per_week=Decimal(str(row.hours_per_week)) if row.hours_per_week else None,
        start_date=row.start_date,
        end_date=row.end_date,
        housing_provided=row.housing_provided,
        transport_provided=row.transport_provided,
        experience_months=row.experience_months,
        languages=list(row.languages),
        skills_text=row.skills_text,
        status=row.status,
        source=row.source,
        raw=row.raw or {},
    )


def _money(minor: int | None, currency: str | None, per: str | None) -> dict[str, Any] | None:
    if minor is None or currency is None:
        return None
    return {"amount": float(Decimal(minor) / 100), "currency": currency, "per": per}


def to_public(row: Vacancy, *, isco_title: str | None, include_raw: bool = False) -> dict[str, Any]:
    return {
        "id": row.id,
        "program": row.program_code,
        "title": row.title,
        "employer": {"name": row.employer_name} if row.employer_name else None,
        "occupation": {
            "title": row.title,
            "title_lang": row.title_lang,
            "native_system": row.native_code_system,
            "native_code": row.native_code,
            "isco08": row.isco08,
            "isco08_title": isco_title,
            "confidence": row.isco08_confidence,
        },
        "positions": row.positions,
        "worksite": {
            "country": row.worksite_country,
            "subdivision": row.worksite_subdivision,
            "city": row.worksite_city,
            "postal_code": row.worksite_postal_code,
        },
        "wage": _money(row.wage_amount_minor, row.wage_currency, row.wage_per),
        "wage_hourly": _money(row.wage_hourly_minor, row.wage_currency, "hour"),
        "wage_hourly_usd": _money(row.wage_hourly_usd_minor, "USD", "hour"),
        "hours_per_week": row.hours_per_week,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "housing_provided": row.housing_provided,
        "transport_provided": row.transport_provided,
        "requirements": {
            "experience_months": row.experience_months,
            "languages": list(row.languages),
            "skills": row.skills_text,
        },
        "status": row.status,
        "source": row.source,
        "external_ref": row.external_ref,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        **({"raw": row.raw} if include_raw else {}),
    }
