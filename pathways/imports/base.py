"""Shared types and plumbing for vacancy importers (the format modules build on this; the
registry of formats, which imports them, is :mod:`pathways.imports.registry`).

Every format module turns raw bytes into :class:`ParsedRow` objects. This module owns what
they share: decoding (UTF-8 with or without BOM, UTF-16, cp1252 from spreadsheets), CSV
reading with spreadsheet row numbers, header normalisation and synonym resolution, and a
:class:`RowReader` that converts cells and collects per-field errors instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from pathways.models.enums import PROGRAM_CODES as PROGRAM_CODES  # the one list of codes

# The pieces live in their own modules; format modules import them from here.
from .cells import (
    RowReader,
    check_dates,
    closed_status,
    normalize_soc,
    parse_bool,
    parse_date,
    parse_decimal,
)
from .records import (
    FieldError,
    ImportFormatError,
    ParsedFile,
    ParsedRow,
    ParsedVacancy,
    ParseStream,
)
from .tabular import (
    ColumnMap,
    FormatSpec,
    decode_bytes,
    load_json,
    normalize_header,
    read_csv,
    resolve_columns,
)

__all__ = [
    "PROGRAM_CODES",
    "ColumnMap",
    "FieldError",
    "FormatSpec",
    "ImportFormatError",
    "ParseStream",
    "ParsedFile",
    "ParsedRow",
    "ParsedVacancy",
    "RowMapper",
    "RowReader",
    "check_dates",
    "closed_status",
    "csv_stream",
    "decode_bytes",
    "iter_rows",
    "load_json",
    "normalize_header",
    "normalize_soc",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "read_csv",
    "resolve_columns",
]


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
            reader.error("row", "could not be read: %(reason)s", reason=str(exc))
            vacancy = None
        if vacancy is not None and not reader.errors:
            first = seen.get(vacancy.external_ref)
            if first is not None:
                reader.error(
                    "external_ref",
                    "“%(ref)s” already appears in row %(row)s",
                    ref=vacancy.external_ref,
                    row=first,
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
