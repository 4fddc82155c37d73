"""Vacancy importers: one module per external format, shared types in ``base``, the
registry of formats in ``registry``.

``parse_file(format, data)`` parses a whole file; ``iter_parse`` returns a
:class:`ParseStream` whose header is already checked and whose rows parse lazily.
"""

from .base import (
    PROGRAM_CODES,
    FieldError,
    ImportFormatError,
    ParsedFile,
    ParsedRow,
    ParsedVacancy,
    ParseStream,
    decode_bytes,
    normalize_header,
)
from .registry import FORMAT_NAMES, FORMATS, iter_parse, parse_file
from .template import TEMPLATE_COLUMNS, write_template

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "PROGRAM_CODES",
    "TEMPLATE_COLUMNS",
    "FieldError",
    "ImportFormatError",
    "ParseStream",
    "ParsedFile",
    "ParsedRow",
    "ParsedVacancy",
    "decode_bytes",
    "iter_parse",
    "normalize_header",
    "parse_file",
    "write_template",
]
