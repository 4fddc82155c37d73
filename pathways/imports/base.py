"""Shared types and plumbing for vacancy importers.

Every format module turns raw bytes into :class:`ParsedRow` objects. This module owns what
they share: decoding (UTF-8 with or without BOM, UTF-16, cp1252 from spreadsheets), CSV
reading with spreadsheet row numbers, header normalisation and synonym resolution, and a
:class:`RowReader` that converts cells and collects per-field errors instead of raising.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from matching.normalize import hourly_wage_detail, normalize_period
from pathways.models.enums import PROGRAM_CODES as PROGRAM_CODES  # the one list of codes


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


# ---------------------------------------------------------------------------------------------
# Decoding and CSV


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes, returning ``(text, encoding)``.

    UTF-16 with a BOM, then UTF-8 (a BOM is dropped), then cp1252 (what spreadsheets on
    Windows save), then Latin-1 which never fails.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], list[str]]:
    """Read CSV bytes: ``(header, iterator of (row_number, cells), warnings)``.

    Blank records are skipped but still counted, so row numbers match the spreadsheet.
    Quoted fields may span lines. The delimiter (``,`` ``;`` tab ``|``) is taken from the
    header line.
    """
    text, encoding = decode_bytes(data)
    warnings = []
    if encoding != "utf-8":
        warnings.append(f"File decoded as {encoding} (not UTF-8).")
    delimiter = _sniff_delimiter(text)
    if delimiter != ",":
        warnings.append(f"Columns separated by {delimiter!r}.")
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 27))  # long job descriptions
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    header_row = 0
    for cells in reader:
        header_row += 1
        if any(c.strip() for c in cells):
            header = cells
            break
    if not header:
        raise ImportFormatError("The file is empty: no header row found.")

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = header_row
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFormatError(f"Row {number + 1} is not valid CSV: {exc}") from None
            number += 1
            if not any(c.strip() for c in cells):
                continue
            yield number, cells

    return header, rows(), warnings


# ---------------------------------------------------------------------------------------------
# Headers


def normalize_header(name: str) -> str:
    """Fold a column name for matching: ``"Employer Name"``, ``"EMPLOYER_NAME"``,
    ``"employerName"`` and ``"\\ufeffemployer-name "`` all give ``"employer_name"``."""
    name = name.replace("\ufeff", "").strip()
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)  # camelCase → camel_Case
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


@dataclass(frozen=True)
class FormatSpec:
    """What a format expects from a header.

    ``fields`` maps a canonical field to its accepted column names (any spelling; they are
    normalised), first match wins. ``required`` lists groups: each group is satisfied when at
    least one of its fields is present. ``ignored`` are columns known to the format but not
    used (they are not reported as unknown).
    """

    label: str
    fields: Mapping[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]
    ignored: Sequence[str] = ()


@dataclass
class ColumnMap:
    index: dict[str, int]
    headers: list[str]
    unknown: list[str]


def resolve_columns(header: Iterable[str], spec: FormatSpec) -> ColumnMap:
    """Match a header against a :class:`FormatSpec` or raise :class:`ImportFormatError`."""
    headers = [h.replace("\ufeff", "").strip() for h in header]
    positions: dict[str, int] = {}
    for i, h in enumerate(headers):
        positions.setdefault(normalize_header(h), i)
    index: dict[str, int] = {}
    used: set[int] = set()
    for canonical, names in spec.fields.items():
        for name in (canonical, *names):
            pos = positions.get(normalize_header(name))
            if pos is not None and pos not in used:
                index[canonical] = pos
                used.add(pos)
                break
    missing = [group for group in spec.required if not any(f in index for f in group)]
    if missing:
        shown = [" or ".join(_display_name(spec, f) for f in group) for group in missing]
        raise ImportFormatError(
            f"This file does not look like {spec.label}: missing columns {', '.join(shown)}."
        )
    ignored = {normalize_header(n) for n in spec.ignored}
    unknown = [
        h
        for i, h in enumerate(headers)
        if i not in used and h and normalize_header(h) not in ignored
    ]
    return ColumnMap(index, headers, unknown)


def _display_name(spec: FormatSpec, canonical: str) -> str:
    names = spec.fields.get(canonical, ())
    return names[0] if names else canonical


# ---------------------------------------------------------------------------------------------
# Cell conversion

_TRUE = {"y", "yes", "true", "t", "1", "si", "sí", "oui", "x"}
_FALSE = {"n", "no", "false", "f", "0", "non"}
_NUMBER_CLEAN = re.compile(r"[\s$€£]|(?:CAD|USD|MXN|US|CA|MX)\$?", re.IGNORECASE)


def parse_decimal(text: str) -> Decimal:
    """``"$1,234.50"`` → 1234.50; ``"17,13"`` (decimal comma) → 17.13. Raises ValueError."""
    cleaned = _NUMBER_CLEAN.sub("", text)
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return value


def parse_date(text: str) -> date:
    """ISO dates and datetimes (``2026-01-08T00:00:00Z``), ``YYYY/MM/DD`` and US
    ``M/D/YYYY``. Raises ValueError."""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?", s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if not m:
            raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD)")
        mo, d, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None


def parse_bool(text: str) -> bool:
    folded = text.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no")


class RowReader:
    """Reads one record's cells by canonical field, collecting errors and warnings.

    Every getter returns ``None`` for a missing column or an empty cell, and for a bad value
    (after recording a :class:`FieldError` under the given API field name).
    """

    def __init__(self, cells: Mapping[str, str], columns: Mapping[str, str]) -> None:
        self.cells = cells  # canonical field → cell text
        self.columns = columns  # canonical field → column name as in the file
        self.errors: list[FieldError] = []
        self.warnings: list[FieldError] = []

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(FieldError(field_name, message))

    def warn(self, field_name: str, message: str) -> None:
        self.warnings.append(FieldError(field_name, message))

    def _where(self, key: str) -> str:
        column = self.columns.get(key)
        return f" (column {column})" if column else ""

    def text(self, key: str) -> str | None:
        value = self.cells.get(key)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def decimal(self, key: str, field_name: str, *, zero_is_empty: bool = False) -> Decimal | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            number = parse_decimal(value)
        except ValueError as exc:
            self.error(field_name, f"{exc}{self._where(key)}")
            return None
        if number < 0:
            self.error(field_name, f"{value!r} is negative{self._where(key)}")
            return None
        if zero_is_empty and number == 0:
            return None
        return number

    def integer(self, key: str, field_name: str) -> int | None:
        number = self.decimal(key, field_name)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(field_name, f"{self.text(key)!r} is not a whole number{self._where(key)}")
            return None
        return int(number)

    def date(self, key: str, field_name: str) -> date | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.error(field_name, f"{exc}{self._where(key)}")
            return None

    def boolean(self, key: str, field_name: str) -> bool | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return parse_bool(value)
        except ValueError as exc:
            self.error(field_name, f"{exc}{self._where(key)}")
            return None

    def positions(self, *keys: str) -> int | None:
        """First positive worker count among ``keys`` (a zero falls through to the next
        column: OFLC leaves certified counts at 0 for denied cases); none → error."""
        zero_key: str | None = None
        for key in keys:
            if self.text(key) is None:
                continue
            count = self.integer(key, "positions")
            if count is None:
                return None
            if count >= 1:
                return count
            zero_key = zero_key or key
        if zero_key is not None:
            self.error("positions", f"must be at least 1, got 0{self._where(zero_key)}")
        else:
            self.error("positions", "the number of workers needed is missing")
        return None

    def wage(
        self,
        amount_key: str,
        per_key: str | None,
        hours: Decimal | None,
        *,
        per_text: str | None = None,
        guaranteed_hourly: Decimal | None = None,
    ) -> tuple[Decimal | None, str | None, Decimal | None]:
        """``(amount, per, hourly)``. A wage without a recognisable period is an error,
        except an empty period, which leaves the wage unset with a warning."""
        amount = self.decimal(amount_key, "wage")
        label = per_text if per_text is not None else (self.text(per_key) if per_key else None)
        if amount is None:
            return None, None, None
        if label is None:
            self.warn("wage", f"wage {amount} has no pay period; wage left unset")
            return None, None, None
        per = normalize_period(label)
        if per is None:
            where = self._where(per_key) if per_key else ""
            self.error("wage", f"{label!r} is not a pay period (hour, day, week, …){where}")
            return None, None, None
        detail = hourly_wage_detail(
            amount, per, hours_per_week=hours, guaranteed_hourly=guaranteed_hourly
        )
        if detail.reason:
            self.warn("wage", detail.reason)
        return amount, per, detail.amount


def check_dates(reader: RowReader, start: date | None, end: date | None) -> None:
    if start and end and end < start:
        reader.error(
            "end_date", f"end date {end.isoformat()} is before start date {start.isoformat()}"
        )


def closed_status(status: str | None) -> str:
    """OFLC/SeasonalJobs case statuses → ``open``/``closed``."""
    if status and re.search(r"denied|withdrawn|rejected|revoked|expired|closed", status, re.I):
        return "closed"
    return "open"


SOC_RE = re.compile(r"^(\d{2})-?(\d{4})(?:\.(\d{2}))?$")


def normalize_soc(code: str | None) -> tuple[str | None, str | None]:
    """``"45-2092.00"`` → ``("ONETSOC", "45-2092.00")``; ``"452092"`` → ``("SOC2018",
    "45-2092")``; anything else → ``(None, None)``."""
    if not code:
        return None, None
    m = SOC_RE.match(code.strip())
    if not m:
        return None, None
    major, minor, onet = m.groups()
    if onet is not None:
        return "ONETSOC", f"{major}-{minor}.{onet}"
    return "SOC2018", f"{major}-{minor}"


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
# Driving a format

RowMapper = Callable[[RowReader, dict[str, str]], ParsedVacancy | None]


def iter_rows(
    records: Iterable[tuple[int, Mapping[str, str], dict[str, str]]],
    mapper: RowMapper,
    columns: Mapping[str, str],
) -> Iterator[ParsedRow]:
    """Run ``mapper`` over ``(row_number, canonical_cells, raw)`` records.

    A row with errors yields no vacancy. Any unexpected exception in a mapper becomes a row
    error, so one odd record never stops an import. A second row with the same
    ``external_ref`` is rejected (re-import idempotency depends on unique refs).
    """
    seen: dict[str, int] = {}
    for number, cells, raw in records:
        reader = RowReader(cells, columns)
        try:
            vacancy = mapper(reader, raw)
        except Exception as exc:  # noqa: BLE001 - a bad row must never stop the file
            reader.error("row", f"could not be read: {exc}")
            vacancy = None
        if vacancy is not None and not reader.errors:
            first = seen.get(vacancy.external_ref)
            if first is not None:
                reader.error(
                    "external_ref",
                    f"{vacancy.external_ref!r} already appears in row {first}",
                )
            else:
                seen[vacancy.external_ref] = number
        if reader.errors:
            vacancy = None
        yield ParsedRow(number, vacancy, reader.errors, reader.warnings)


def csv_stream(data: bytes, spec: FormatSpec, fmt: str, mapper: RowMapper) -> ParseStream:
    """Header check + lazy row parsing for a CSV format."""
    header, rows, warnings = read_csv(data)
    cmap = resolve_columns(header, spec)
    names = cmap.headers
    index = cmap.index
    columns = {key: names[pos] for key, pos in index.items()}
    width = len(names)

    def records() -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
        for number, cells in rows:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            raw = {name: cells[i] for i, name in enumerate(names) if name}
            if len(cells) > width:
                raw["_extra"] = ",".join(cells[width:])
            yield number, {key: cells[pos] for key, pos in index.items()}, raw

    return ParseStream(fmt, iter_rows(records(), mapper, columns), cmap.unknown, warnings)


# ---------------------------------------------------------------------------------------------
# The format registry (format modules import this one, so they are loaded on first use)

FORMAT_NAMES: tuple[str, ...] = ("oflc-h2a", "oflc-h2b", "seasonaljobs", "lmia", "jsonld", "csv")


def _streams() -> dict[str, Callable[..., ParseStream]]:
    from . import jsonld, lmia, oflc, seasonaljobs, template

    return {
        "oflc-h2a": oflc.stream_h2a,
        "oflc-h2b": oflc.stream_h2b,
        "seasonaljobs": seasonaljobs.stream,
        "lmia": lmia.stream,
        "jsonld": jsonld.stream,
        "csv": template.stream,
    }


class _Formats(Mapping[str, Callable[..., ParsedFile]]):
    """``FORMATS[name](data) -> ParsedFile`` for every format name, loaded lazily."""

    def __getitem__(self, name: str) -> Callable[..., ParsedFile]:
        make_stream = _streams()[name]

        def parse(data: bytes, **options: object) -> ParsedFile:
            return make_stream(data, **options).collect()

        parse.__name__ = f"parse_{name.replace('-', '_')}"
        return parse

    def __iter__(self) -> Iterator[str]:
        return iter(FORMAT_NAMES)

    def __len__(self) -> int:
        return len(FORMAT_NAMES)


FORMATS: Mapping[str, Callable[..., ParsedFile]] = _Formats()


def iter_parse(format: str, data: bytes, **options: object) -> ParseStream:
    """Check the header now and parse rows lazily as they are consumed (progress reporting).

    ``options``: ``program`` — the default program code for ``jsonld`` postings naming none.
    Raises :class:`ImportFormatError` for an unknown format or a file of the wrong shape.
    """
    if format not in FORMAT_NAMES:
        raise ImportFormatError(
            f"Unknown import format {format!r}; use one of {', '.join(FORMAT_NAMES)}."
        )
    return _streams()[format](data, **options)


def parse_file(format: str, data: bytes, **options: object) -> ParsedFile:
    """Parse a whole file. Bad rows are reported in ``rows``; only a file that is not in the
    announced format at all (or an unknown format name) raises :class:`ImportFormatError`."""
    return iter_parse(format, data, **options).collect()
