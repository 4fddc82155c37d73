"""Shared types and plumbing for vacancy importers.

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
    new_vacancy,
)
from .tabular import (
    ColumnMap,
    FormatSpec,
    decode_bytes,
    normalize_header,
    read_csv,
    resolve_columns,
)

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
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
    "iter_parse",
    "iter_rows",
    "new_vacancy",
    "normalize_header",
    "normalize_soc",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_file",
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
            "Unknown import format “%(format)s”; use one of %(formats)s.",
            format=format,
            formats=", ".join(FORMAT_NAMES),
        )
    return _streams()[format](data, **options)


def parse_file(format: str, data: bytes, **options: object) -> ParsedFile:
    """Parse a whole file. Bad rows are reported in ``rows``; only a file that is not in the
    announced format at all (or an unknown format name) raises :class:`ImportFormatError`."""
    return iter_parse(format, data, **options).collect()
