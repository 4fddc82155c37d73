"""Validated codes of the contract: ISO 3166-1 alpha-2 countries, ISO 639 languages."""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated

from babel import Locale
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from pathways.reference.languages import is_known_language

# CLDR territory codes that are not ISO 3166-1 alpha-2 country codes.
_NOT_ISO = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "XK",
    "ZZ",
}
_LANG = re.compile(r"^[a-z]{2,3}$")


@cache
def country_codes() -> frozenset[str]:
    return frozenset(
        c for c in Locale("en").territories if len(c) == 2 and c.isalpha() and c not in _NOT_ISO
    )


@cache
def country_names(lang: str) -> dict[str, str]:
    names = Locale(lang).territories
    return {code: names.get(code, code) for code in country_codes()}


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in country_codes():
        raise PydanticCustomError(
            "unknown_country",
            "'{value}' is not an ISO 3166-1 alpha-2 country code",
            {"value": value},
        )
    return code


def _language(value: str) -> str:
    code = value.strip().lower()
    if not _LANG.match(code):
        raise PydanticCustomError(
            "language_code",
            "'{value}' is not an ISO 639 language code (e.g. es, en, quc)",
            {"value": value},
        )
    if not is_known_language(code):
        raise PydanticCustomError(
            "unknown_language",
            "'{value}' is not a known ISO 639 language code (e.g. es, en, quc, mam)",
            {"value": value},
        )
    return code


CountryCode = Annotated[str, AfterValidator(_country)]
LanguageCode = Annotated[str, AfterValidator(_language)]
