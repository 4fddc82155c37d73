"""Departments of the origin countries (data/places/origin_subdivisions.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from pathways.settings import DATA_DIR

PLACES_FILE = DATA_DIR / "places" / "origin_subdivisions.csv"


@dataclass(frozen=True)
class Subdivision:
    code: str  # ISO 3166-2, alphabetic form
    country: str
    name: str
    population_thousands: int


@cache
def origin_subdivisions() -> dict[str, Subdivision]:
    """Code → subdivision, for GT, SV and HN, in file order."""
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Subdivision(
                row["code"], row["country"], row["name"], int(row["population_thousands"])
            )
            for row in csv.DictReader(handle)
        }


@cache
def _aliases() -> dict[str, str]:
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["alt_code"]: row["code"] for row in csv.DictReader(handle) if row["alt_code"]}


def canonical_subdivision(code: str) -> str:
    """The alphabetic ISO 3166-2 form of a code (Guatemala's numeric codes are aliases)."""
    code = code.strip().upper()
    return _aliases().get(code, code)


def is_known_subdivision(code: str, country: str) -> bool:
    """For GT, SV and HN: one of their departments. Elsewhere: a well-formed code of
    ``country`` (we hold no list for other countries)."""
    code = canonical_subdivision(code)
    if country in {s.country for s in origin_subdivisions().values()}:
        found = origin_subdivisions().get(code)
        return found is not None and found.country == country
    head, _, tail = code.partition("-")
    return head == country and 1 <= len(tail) <= 3 and tail.isalnum()
