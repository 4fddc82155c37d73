"""A vacancy's three shapes: the API's nested JSON, the importers' ParsedVacancy, the row.

:class:`~pathways.imports.ParsedVacancy` declares a vacancy's fields once. The stored row
keeps each of them under the same name except those in :data:`COLUMN_OF`, plus the columns
the service derives (:data:`DERIVED_COLUMNS`); the conversions both ways are here.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pathways.imports import ParsedVacancy
from pathways.models import Vacancy

#: ParsedVacancy field → Vacancy column, where the names differ.
COLUMN_OF = {"program": "program_code", "wage_amount": "wage_amount_minor"}
#: Fields recomputed rather than stored as given (the hourly wage is derived from the wage).
NOT_STORED = frozenset({"wage_hourly"})
#: Columns the service computes: the occupation from the resolver, the normalised wages.
DERIVED_COLUMNS = ("isco08", "isco08_confidence", "wage_hourly_minor", "wage_hourly_usd_minor")
#: Columns compared to tell "updated" from "unchanged" on re-import (the channel a vacancy
#: came through is not a change, nor a resolver confidence moving in the third decimal).
COMPARED = tuple(
    [
        COLUMN_OF.get(f.name, f.name)
        for f in fields(ParsedVacancy)
        if f.name not in NOT_STORED and f.name != "source"
    ]
    + [c for c in DERIVED_COLUMNS if c != "isco08_confidence"]
)


def minor_units(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _to_column(name: str, value: Any) -> Any:
    if name == "wage_amount":
        return minor_units(value)
    if name == "hours_per_week":
        return float(value) if value is not None else None
    if name == "title":
        return value[:300]
    if name in ("external_ref", "raw"):
        return value or None
    if name in ("languages", "licences"):
        return list(value)
    return value


def _from_column(name: str, value: Any) -> Any:
    if name == "wage_amount":
        return Decimal(value) / 100 if value else None
    if name == "hours_per_week":
        return Decimal(str(value)) if value else None
    if name == "external_ref":
        return value or ""
    if name == "raw":
        return value or {}
    if name in ("languages", "licences"):
        return list(value or [])
    return value


def row_values(v: ParsedVacancy) -> dict[str, Any]:
    """The stored columns of ``v`` that it carries itself (not the derived ones)."""
    return {
        COLUMN_OF.get(f.name, f.name): _to_column(f.name, getattr(v, f.name))
        for f in fields(ParsedVacancy)
        if f.name not in NOT_STORED
    }


def as_parsed(row: Vacancy) -> ParsedVacancy:
    """A stored vacancy back in the importers' shape (for partial updates)."""
    return ParsedVacancy(
        **{
            f.name: _from_column(f.name, getattr(row, COLUMN_OF.get(f.name, f.name)))
            for f in fields(ParsedVacancy)
            if f.name not in NOT_STORED
        }
    )


# The API body's nesting: group → {body key: ParsedVacancy field}.
_NESTED = {
    "worksite": {
        "country": "worksite_country",
        "subdivision": "worksite_subdivision",
        "city": "worksite_city",
        "postal_code": "worksite_postal_code",
    },
    "wage": {"amount": "wage_amount", "currency": "wage_currency", "per": "wage_per"},
    "requirements": {
        "experience_months": "experience_months",
        "languages": "languages",
        "licences": "licences",
        "skills": "skills_text",
    },
    "occupation_code": {"system": "native_code_system", "code": "native_code"},
    "employer": {
        "name": "employer_name",
        "workforce": "employer_workforce",
        "low_wage_foreign_workers": "employer_low_wage_tfws",
        "naics": "employer_naics",
    },
}
_NULL_CLEARS = frozenset({"employer", "wage"})
_FLAT = (
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


def from_api(
    body: dict[str, Any], *, source: str, base: ParsedVacancy | None = None
) -> ParsedVacancy:
    """A ParsedVacancy from an API body (nested as in API.md); ``base`` fills absent fields.

    A group that is given replaces all of its fields; an absent one keeps ``base``'s. A null
    employer or wage clears it; a null worksite, occupation code or requirements is ignored
    (a vacancy always has a place, and clearing requirements is done field by field).
    """
    values: dict[str, Any] = asdict(base) if base is not None else {"external_ref": ""}
    values.update({k: body[k] for k in _FLAT if k in body})
    if body.get("external_ref") is not None:
        values["external_ref"] = body["external_ref"]
    for group, mapping in _NESTED.items():
        if group not in body or (body[group] is None and group not in _NULL_CLEARS):
            continue
        given = body[group] or {}
        for key, name in mapping.items():
            values[name] = given.get(key)
    values["languages"] = list(values.get("languages") or [])
    values["licences"] = list(values.get("licences") or [])
    values["source"], values["wage_hourly"] = source, None
    return ParsedVacancy(**values)


def _money(minor: int | None, currency: str | None, per: str | None) -> dict[str, Any] | None:
    if minor is None or currency is None:
        return None
    return {"amount": float(Decimal(minor) / 100), "currency": currency, "per": per}


def to_public(row: Vacancy, *, isco_title: str | None, include_raw: bool = False) -> dict[str, Any]:
    return {
        "id": row.id,
        "program": row.program_code,
        "title": row.title,
        "employer": (
            {
                "name": row.employer_name,
                "workforce": row.employer_workforce,
                "low_wage_foreign_workers": row.employer_low_wage_tfws,
                "naics": row.employer_naics,
            }
            if row.employer_name
            else None
        ),
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
            "licences": list(row.licences or []),
            "skills": row.skills_text,
        },
        "status": row.status,
        "source": row.source,
        "external_ref": row.external_ref,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        **({"raw": row.raw} if include_raw else {}),
    }
