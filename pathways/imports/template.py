"""The project's own vacancy template (format ``csv``); see ``data/templates/README.md``.

One row per vacancy, one column per :class:`~pathways.imports.base.ParsedVacancy` field.
Subdivisions may be written as ISO 3166-2 (``US-WA``), a bare code (``WA``) or a name
(``Washington``, ``Québec``). A wage without a currency takes the worksite country's
currency (warning). :func:`write_template` writes vacancies back in the same layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from matching.normalize import subdivision_to_iso
from pathways.exports import csv_bytes
from pathways.models.enums import LICENCES

from .base import (
    PROGRAM_CODES,
    FormatSpec,
    ParsedFile,
    ParsedVacancy,
    ParseStream,
    RowReader,
    check_dates,
    csv_stream,
)

FORMAT = "csv"

TEMPLATE_COLUMNS: tuple[str, ...] = (
    "external_ref",
    "program",
    "title",
    "positions",
    "worksite_country",
    "worksite_subdivision",
    "worksite_city",
    "worksite_postal_code",
    "employer_name",
    "title_lang",
    "occupation_code_system",
    "occupation_code",
    "wage_amount",
    "wage_currency",
    "wage_per",
    "hours_per_week",
    "start_date",
    "end_date",
    "housing_provided",
    "transport_provided",
    "experience_months",
    "languages",
    "licences",
    "skills_text",
    "status",
    # Added later, at the end so that files filled in the earlier layout keep their places.
    "employer_workforce",
    "employer_low_wage_foreign_workers",
    "employer_naics",
)
#: Template columns named differently from their ParsedVacancy field.
FIELD_OF_COLUMN = {
    "occupation_code_system": "native_code_system",
    "occupation_code": "native_code",
    "employer_low_wage_foreign_workers": "employer_low_wage_tfws",
}
REQUIRED_COLUMNS = ("external_ref", "program", "title", "positions", "worksite_country")
CODE_SYSTEMS = ("SOC2018", "ONETSOC", "NOC2021", "NOC2011", "SINCO2019")
_CURRENCY_BY_COUNTRY = {"US": "USD", "CA": "CAD", "MX": "MXN"}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_ref": ("reference", "ref", "id", "vacancy_id"),
    "program": ("program_code",),
    "title": ("job_title",),
    "positions": ("workers", "workers_needed", "openings"),
    "worksite_country": ("country",),
    "worksite_subdivision": ("subdivision", "state", "province", "region"),
    "worksite_city": ("city",),
    "worksite_postal_code": ("postal_code", "zip", "zip_code"),
    "employer_name": ("employer",),
    "employer_workforce": ("workforce", "employees"),
    "employer_low_wage_foreign_workers": ("low_wage_foreign_workers", "low_wage_tfws"),
    "employer_naics": ("naics",),
    "title_lang": ("language_of_title",),
    "occupation_code_system": ("native_code_system", "code_system"),
    "occupation_code": ("native_code", "soc_code", "noc_code"),
    "wage_amount": ("wage",),
    "wage_currency": ("currency",),
    "wage_per": ("per", "wage_period", "pay_period"),
    "hours_per_week": ("hours",),
    "start_date": ("begin_date",),
    "end_date": (),
    "housing_provided": ("housing",),
    "transport_provided": ("transport",),
    "experience_months": ("experience",),
    "languages": ("language",),
    "licences": ("licence", "license", "licenses"),
    "skills_text": ("skills", "requirements"),
    "status": (),
}
SPEC = FormatSpec(
    label="a Pathways vacancy template",
    fields={name: (name, *names) for name, names in _SYNONYMS.items()},
    required=tuple((c,) for c in REQUIRED_COLUMNS),
)


def _row(reader: RowReader, raw: dict[str, str]) -> ParsedVacancy | None:
    ref = reader.text("external_ref")
    if ref is None:
        reader.error("external_ref", "external_ref is empty")
    title = reader.text("title")
    if title is None:
        reader.error("title", "title is empty")
    program = (reader.text("program") or "").upper() or None
    if program is None:
        reader.error("program", "program is empty")
    elif program not in PROGRAM_CODES:
        reader.error(
            "program",
            "“%(value)s” is not one of %(choices)s",
            value=program,
            choices=", ".join(PROGRAM_CODES),
        )
    positions = reader.positions("positions")

    country = (reader.text("worksite_country") or "").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        reader.error(
            "worksite",
            "country “%(value)s” is not an ISO alpha-2 code",
            value=country or "(empty)",
        )
    elif program in PROGRAM_CODES and program[:2] != country:
        reader.error(
            "worksite",
            "%(program)s vacancies are in %(destination)s, not %(country)s",
            program=program,
            destination=program[:2],
            country=country,
        )
    sub_text = reader.text("worksite_subdivision")
    subdivision = subdivision_to_iso(country, sub_text) if sub_text and country else None
    if sub_text and subdivision is None:
        reader.error(
            "worksite",
            "“%(value)s” is not a subdivision of %(country)s",
            value=sub_text,
            country=country,
        )

    hours = reader.decimal("hours_per_week", "hours_per_week", zero_is_empty=True)
    amount, per, hourly = reader.wage("wage_amount", "wage_per", hours)
    currency = (reader.text("wage_currency") or "").upper() or None
    if amount is not None and currency is None:
        currency = _CURRENCY_BY_COUNTRY.get(country)
        if currency is None:
            reader.error("wage", "wage_currency is empty")
        else:
            reader.warn(
                "wage",
                "no currency given; %(currency)s assumed from the country",
                currency=currency,
            )
    elif currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        reader.error("wage", "“%(value)s” is not an ISO 4217 currency code", value=currency)

    system = (reader.text("occupation_code_system") or "").upper() or None
    if system is not None and system not in CODE_SYSTEMS:
        reader.error(
            "occupation",
            "“%(value)s” is not one of %(choices)s",
            value=system,
            choices=", ".join(CODE_SYSTEMS),
        )
    start = reader.date("start_date", "start_date")
    end = reader.date("end_date", "end_date")
    check_dates(reader, start, end)
    status = (reader.text("status") or "open").lower()
    if status not in ("open", "closed"):
        reader.error("status", "“%(value)s” is not open or closed", value=status)
    languages = [
        x.strip().lower() for x in re.split(r"[;,|]", reader.text("languages") or "") if x.strip()
    ]
    licences = [
        x.strip().lower() for x in re.split(r"[;,|]", reader.text("licences") or "") if x.strip()
    ]
    for code in licences:
        if code not in LICENCES:
            reader.error(
                "licences",
                "“%(value)s” is not one of %(choices)s",
                value=code,
                choices=", ".join(LICENCES),
            )
    housing = reader.boolean("housing_provided", "housing_provided")
    transport = reader.boolean("transport_provided", "transport_provided")
    experience = reader.integer("experience_months", "experience_months")
    workforce, low_wage, naics = _employer_workforce(reader)
    if reader.errors or not (ref and title and program and positions):
        return None
    return ParsedVacancy(
        external_ref=ref,
        program=program,
        title=title,
        positions=positions,
        worksite_country=country,
        source=FORMAT,
        raw=raw,
        employer_name=reader.text("employer_name"),
        employer_workforce=workforce,
        employer_low_wage_tfws=low_wage,
        employer_naics=naics,
        title_lang=(reader.text("title_lang") or "").lower() or None,
        native_code_system=system,
        native_code=reader.text("occupation_code"),
        worksite_subdivision=subdivision,
        worksite_city=reader.text("worksite_city"),
        worksite_postal_code=reader.text("worksite_postal_code"),
        wage_amount=amount,
        wage_currency=currency if amount is not None else None,
        wage_per=per,
        wage_hourly=hourly,
        hours_per_week=hours,
        start_date=start,
        end_date=end,
        housing_provided=housing,
        transport_provided=transport,
        experience_months=experience,
        languages=languages,
        licences=licences,
        skills_text=reader.text("skills_text"),
        status=status,
    )


def _employer_workforce(reader: RowReader) -> tuple[int | None, int | None, str | None]:
    """The employer's workforce at the work location, its low-wage foreign workers and its
    NAICS industry code (Canada's low-wage stream caps their share)."""
    workforce = reader.integer("employer_workforce", "employer_workforce")
    low_wage = reader.integer(
        "employer_low_wage_foreign_workers", "employer_low_wage_foreign_workers"
    )
    if workforce is not None and workforce < 1:
        reader.error("employer_workforce", "must be 1 or more")
    if low_wage is not None and low_wage < 0:
        reader.error("employer_low_wage_foreign_workers", "must be 0 or more")
    if workforce is not None and low_wage is not None and low_wage > workforce:
        reader.error(
            "employer_low_wage_foreign_workers",
            "is more than the employer's workforce (%(workforce)s)",
            workforce=workforce,
        )
    naics = reader.text("employer_naics")
    if naics is not None and not re.fullmatch(r"\d{2,6}", naics):
        reader.error(
            "employer_naics", "“%(value)s” is not a NAICS code (2 to 6 digits)", value=naics
        )
    return workforce, low_wage, naics


def stream(data: bytes, **_: object) -> ParseStream:
    return csv_stream(data, SPEC, FORMAT, _row)


def parse(data: bytes, **options: object) -> ParsedFile:
    """Parse a CSV in the Pathways vacancy template."""
    return stream(data, **options).collect()


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def write_template(vacancies: Iterable[ParsedVacancy]) -> bytes:
    """Vacancies as template CSV (UTF-8 with BOM so spreadsheets show accents)."""
    return write_template_rows(
        {name: getattr(v, FIELD_OF_COLUMN.get(name, name), None) for name in TEMPLATE_COLUMNS}
        for v in vacancies
    )


def write_template_rows(rows: Iterable[dict[str, object]]) -> bytes:
    """Rows (column → value; missing columns empty) as template CSV, UTF-8 with a BOM; text
    that a spreadsheet would run as a formula is neutralised (see ``pathways.exports``)."""
    return csv_bytes(
        TEMPLATE_COLUMNS,
        ([_cell(values.get(name)) for name in TEMPLATE_COLUMNS] for values in rows),
    )
