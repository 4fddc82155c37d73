"""What every importer produces: parsed vacancies, rows with per-field errors, files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class ParsedVacancy:
    external_ref: str
    program: str
    employer_name: str | None
    title: str
    title_lang: str | None
    native_code_system: str | None
    native_code: str | None
    positions: int
    worksite_country: str
    worksite_subdivision: str | None
    worksite_city: str | None
    worksite_postal_code: str | None
    wage_amount: Decimal | None
    wage_currency: str | None
    wage_per: str | None
    wage_hourly: Decimal | None
    hours_per_week: Decimal | None
    start_date: date | None
    end_date: date | None
    housing_provided: bool | None
    transport_provided: bool | None
    experience_months: int | None
    languages: list[str]
    skills_text: str | None
    status: str
    source: str
    raw: dict[str, str]


@dataclass
class ParsedRow:
    """One input record. ``row`` is what a spreadsheet user sees (header = 1, first data = 2);
    for JSON inputs it is the 1-based position in the list. ``vacancy`` is None exactly when
    ``errors`` is non-empty. ``warnings`` are notes that did not stop the row (e.g. a wage
    whose period is missing was left unset)."""

    row: int
    vacancy: ParsedVacancy | None
    errors: list[FieldError]
    warnings: list[FieldError] = field(default_factory=list)


@dataclass
class ParsedFile:
    format: str
    rows: list[ParsedRow]
    unknown_columns: list[str]
    warnings: list[str]

    @property
    def valid(self) -> list[ParsedVacancy]:
        return [r.vacancy for r in self.rows if r.vacancy is not None]

    @property
    def rejected(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.vacancy is None]


@dataclass
class ParseStream:
    """A file whose header has been checked and whose rows are parsed lazily.

    ``unknown_columns`` is known up front; ``warnings`` may grow while ``rows`` is consumed.
    """

    format: str
    rows: Iterator[ParsedRow]
    unknown_columns: list[str]
    warnings: list[str]

    def collect(self) -> ParsedFile:
        rows = list(self.rows)
        return ParsedFile(self.format, rows, self.unknown_columns, self.warnings)


class ImportFormatError(ValueError):
    """The file as a whole is not in the announced format (one clear message)."""


def new_vacancy(
    *,
    external_ref: str,
    program: str,
    title: str,
    positions: int,
    worksite_country: str,
    source: str,
    raw: dict[str, str],
    **optional: object,
) -> ParsedVacancy:
    """Build a :class:`ParsedVacancy`, defaulting every optional field to None/[]/"open"."""
    values: dict[str, object] = {
        name: None
        for name in ParsedVacancy.__dataclass_fields__
        if name
        not in {
            "external_ref",
            "program",
            "title",
            "positions",
            "worksite_country",
            "source",
            "raw",
        }
    }
    values["languages"] = []
    values["status"] = "open"
    unknown = set(optional) - set(values)
    if unknown:
        raise TypeError(f"unknown vacancy fields: {sorted(unknown)}")
    values.update(optional)
    return ParsedVacancy(
        external_ref=external_ref,
        program=program,
        title=title,
        positions=positions,
        worksite_country=worksite_country,
        source=source,
        raw=raw,
        **values,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------------------------
