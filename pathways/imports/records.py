"""What every importer produces: parsed vacancies, rows with per-field errors, files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass
class FieldError:
    """A problem with one field of one record.

    ``template`` is an English sentence with ``%(name)s`` placeholders and the message id of
    its translations (``pybabel extract`` finds it as the second argument of ``error``/``warn``
    calls); ``params`` fill it; ``column`` is where the value was read in the file. The API
    reports :attr:`message`; pages translate ``template`` and fill it in the reader's language.
    """

    field: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    column: str | None = None

    @property
    def message(self) -> str:
        text = self.template % self.params if self.params else self.template
        return f"{text} (column {self.column})" if self.column else text

    def to_dict(self) -> dict[str, Any]:
        """As stored with an import batch: the English message and what translates it."""
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        out["template"], out["params"] = self.template, self.params
        if self.column:
            out["column"] = self.column
        return out


@dataclass(kw_only=True)
class ParsedVacancy:
    """A vacancy as every channel delivers it: the one declaration of a vacancy's fields.

    Importers, the API and the web form build it; ``pathways.services.vacancy_shapes``
    derives the stored row (and the fields compared on re-import) from these fields, so a
    new field is declared here once. Required: the identity, the job and the place.
    """

    external_ref: str
    program: str
    title: str
    positions: int
    worksite_country: str
    source: str
    employer_name: str | None = None
    employer_workforce: int | None = None
    employer_low_wage_tfws: int | None = None
    employer_naics: str | None = None
    title_lang: str | None = None
    native_code_system: str | None = None
    native_code: str | None = None
    worksite_subdivision: str | None = None
    worksite_city: str | None = None
    worksite_postal_code: str | None = None
    wage_amount: Decimal | None = None
    wage_currency: str | None = None
    wage_per: str | None = None
    wage_hourly: Decimal | None = None  # when the source states it; else computed
    hours_per_week: Decimal | None = None
    start_date: date | None = None
    end_date: date | None = None
    housing_provided: bool | None = None
    transport_provided: bool | None = None
    experience_months: int | None = None
    languages: list[str] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)  # required licences (LICENCES codes)
    skills_text: str | None = None
    status: str = "open"
    raw: dict[str, str] = field(default_factory=dict)


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
    """The file as a whole is not in the announced format (one clear message).

    Like :class:`FieldError`, it keeps its English ``template`` and ``params`` so that a page
    can show it in the reader's language; ``str(exc)`` is the English message.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)
