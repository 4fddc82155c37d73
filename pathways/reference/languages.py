"""Language names and codes: CLDR (through Babel) plus the region's languages from data/.

Applicants pick a language by its name; only the ISO 639 code is stored. A code is known
when CLDR names it or it is in ``data/languages/regional_languages.csv``.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from babel import Locale

from pathways.settings import DATA_DIR

REGIONAL_FILE = DATA_DIR / "languages" / "regional_languages.csv"


@cache
def regional_languages(path: Path = REGIONAL_FILE) -> dict[str, str]:
    """ISO 639-3 code → name, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


@cache
def _cldr_codes() -> frozenset[str]:
    return frozenset(c for c in Locale("en").languages if c.isalpha() and c.islower())


def is_known_language(code: str) -> bool:
    return code in regional_languages() or code in _cldr_codes()


def language_name(code: str, lang: str) -> str:
    """The language's name for a reader of ``lang``; the code itself only if nothing names it."""
    regional = regional_languages().get(code)
    if regional is not None:
        return regional
    name = Locale(lang).languages.get(code)
    return name[:1].upper() + name[1:] if name else code
