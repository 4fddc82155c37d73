"""The import formats by name: which module parses which ``format``.

Format modules import only :mod:`pathways.imports.base`; this module imports them, so the
dependency runs one way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from . import jsonld, lmia, oflc, seasonaljobs, template
from .records import ImportFormatError, ParsedFile, ParseStream

FORMAT_NAMES: tuple[str, ...] = ("oflc-h2a", "oflc-h2b", "seasonaljobs", "lmia", "jsonld", "csv")
_STREAMS: dict[str, Callable[..., ParseStream]] = {
    "oflc-h2a": oflc.stream_h2a,
    "oflc-h2b": oflc.stream_h2b,
    "seasonaljobs": seasonaljobs.stream,
    "lmia": lmia.stream,
    "jsonld": jsonld.stream,
    "csv": template.stream,
}


class _Formats(Mapping[str, Callable[..., ParsedFile]]):
    """``FORMATS[name](data) -> ParsedFile`` for every format name."""

    def __getitem__(self, name: str) -> Callable[..., ParsedFile]:
        make_stream = _STREAMS[name]

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
    return _STREAMS[format](data, **options)


def parse_file(format: str, data: bytes, **options: object) -> ParsedFile:
    """Parse a whole file. Bad rows are reported in ``rows``; only a file that is not in the
    announced format at all (or an unknown format name) raises :class:`ImportFormatError`."""
    return iter_parse(format, data, **options).collect()
