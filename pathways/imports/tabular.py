"""Reading tabular files: decoding (UTF-8 with or without BOM, UTF-16, cp1252), CSV with
spreadsheet row numbers, and header normalisation with per-format synonyms."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pathways.i18n_marks import N_

from .records import ImportFormatError

# ---------------------------------------------------------------------------------------------
# Decoding and CSV


#: Files that are not text, by their first bytes. Spreadsheets and archives are never opened
#: (a few kilobytes of zip can expand to gigabytes): people are asked for the CSV instead.
BINARY_KINDS = (
    (b"PK\x03\x04", N_("spreadsheet or zip archive (.xlsx, .zip)")),
    (b"PK\x05\x06", N_("zip archive")),
    (b"\xd0\xcf\x11\xe0", N_("Excel 97-2003 spreadsheet (.xls)")),
    (b"\x1f\x8b", N_("gzip archive")),
    (b"BZh", N_("bzip2 archive")),
    (b"\xfd7zXZ", N_("xz archive")),
    (b"%PDF", N_("PDF document")),
)


def refuse_binary(data: bytes) -> None:
    for magic, kind in BINARY_KINDS:
        if data.startswith(magic):
            raise ImportFormatError(
                "This is a %(kind)s, not a text file: save it as CSV (UTF-8) or JSON and upload "
                "that. Spreadsheets and archives are not opened.",
                kind=kind,
            )
    head = data[:4096]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFormatError(
            "This file is not text (it contains NUL bytes): save it as CSV (UTF-8) or JSON."
        )


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes, returning ``(text, encoding)``; binary files are refused.

    UTF-16 with a BOM, then UTF-8 (a BOM is dropped), then cp1252 (what spreadsheets on
    Windows save), then Latin-1 which never fails.
    """
    refuse_binary(data)
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


def load_json(text: str, **options: Any) -> Any:
    """``json.loads`` that answers a clear problem for JSON nested too deeply to be data."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ImportFormatError(
            "This JSON is nested too deeply (thousands of levels); no vacancy file needs that."
        ) from None


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
                raise ImportFormatError(
                    "Row %(row)s is not valid CSV: %(reason)s", row=number + 1, reason=str(exc)
                ) from None
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
            "This file does not look like %(label)s: missing columns %(columns)s.",
            label=spec.label,
            columns=", ".join(shown),
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
