"""schema.org JobPosting in JSON-LD (format ``jsonld``).

Accepts a single object, a list, an ``@graph``, any nesting of those (e.g. an ``ItemList``),
or an HTML page carrying ``<script type="application/ld+json">`` blocks. Every object whose
``@type`` includes ``JobPosting`` becomes one row, numbered 1, 2, … in document order.

Mapping decisions
-----------------
* external_ref: ``identifier`` (text or ``PropertyValue.value``), else ``url``, else ``@id``.
* program: JobPosting has no such property. Taken from an extension property ``program``
  (one of the API program codes), else from the caller's ``program=`` option, else from a
  visa-class mention in the title/description/qualifications (H-2A, H-2B, SAWP); otherwise
  the row is rejected with a message saying how to add it.
* positions: ``totalJobOpenings``; when absent 1 (a posting is at least one job), with a
  warning.
* worksite: the first ``jobLocation.address`` (country required); region → ISO 3166-2.
* wage: ``baseSalary`` MonetaryAmount (``value`` or ``minValue``, ``unitText``); currency
  from ``currency``/``salaryCurrency``, else the worksite country's currency (warning).
* hours: a number in ``workHours`` ("40 hours per week"). Dates: ``jobStartDate`` and the
  non-standard ``jobEndDate``/``endDate`` when present.
* occupation: ``occupationalCategory`` (text or ``CategoryCode``): SOC/O*NET-SOC patterns,
  NOC (5 digits = 2021, 4 = 2011) or SINCO when ``inCodeSet`` names them or the country
  implies them (5 digits in CA = NOC 2021; 4 digits in MX = SINCO 2019).
* skills_text: ``skills``, else ``qualifications``, else ``description`` without HTML tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from typing import Any

from matching.normalize import subdivision_to_iso

from .base import (
    PROGRAM_CODES,
    ImportFormatError,
    ParsedFile,
    ParsedVacancy,
    ParseStream,
    RowReader,
    check_dates,
    decode_bytes,
    iter_rows,
    load_json,
    normalize_soc,
)

FORMAT = "jsonld"

_COUNTRIES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "estados unidos": "US",
    "etats unis": "US",
    "ca": "CA",
    "can": "CA",
    "canada": "CA",
    "canadá": "CA",
    "mx": "MX",
    "mex": "MX",
    "mexico": "MX",
    "méxico": "MX",
    "mexique": "MX",
    "gt": "GT",
    "guatemala": "GT",
    "sv": "SV",
    "el salvador": "SV",
    "hn": "HN",
    "honduras": "HN",
}
_CURRENCY_BY_COUNTRY = {"US": "USD", "CA": "CAD", "MX": "MXN", "GT": "GTQ", "HN": "HNL"}
_PROGRAM_HINTS = (
    (re.compile(r"\bH-?2A\b", re.I), "US-H2A"),
    (re.compile(r"\bH-?2B\b", re.I), "US-H2B"),
    (re.compile(r"\bSAWP\b|Seasonal Agricultural Worker Program", re.I), "CA-SAWP"),
)


class _LdJsonScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._inside = kind == "application/ld+json"
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.blocks.append("".join(self._buffer))
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._buffer.append(data)


def _types(obj: Mapping[str, Any]) -> set[str]:
    value = obj.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values}


def _collect(node: Any, out: list[Mapping[str, Any]]) -> int:
    """Append JobPostings found anywhere in ``node``; return how many other objects were seen
    at the top of lists/graphs (reported as skipped)."""
    skipped = 0
    if isinstance(node, list):
        for item in node:
            skipped += _collect(item, out)
    elif isinstance(node, Mapping):
        if "JobPosting" in _types(node):
            out.append(node)
            return 0
        inner = [v for k, v in node.items() if k in ("@graph", "itemListElement", "item")]
        if inner:
            for value in inner:
                skipped += _collect(value, out)
        else:
            skipped += 1
    return skipped


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("value", value.get("name", value.get("@value")))
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _strip_html(text: str | None) -> str | None:
    if not text:
        return None
    plain = unescape(re.sub(r"<[^>]+>", " ", text))
    plain = re.sub(r"[ \t]+", " ", plain).strip()
    return plain or None


def _flatten(obj: Mapping[str, Any], default_program: str | None) -> dict[str, str]:
    """A JobPosting flattened to the cells :class:`RowReader` understands."""
    c: dict[str, str] = {}
    c["external_ref"] = _text(obj.get("identifier")) or _text(obj.get("url")) or ""
    c["external_ref"] = c["external_ref"] or _text(obj.get("@id")) or ""
    c["title"] = _text(obj.get("title")) or ""
    org = _first(obj.get("hiringOrganization"))
    c["employer"] = (_text(org.get("name")) if isinstance(org, Mapping) else _text(org)) or ""
    c["positions"] = _text(obj.get("totalJobOpenings")) or ""
    c["title_lang"] = (_text(obj.get("inLanguage")) or "")[:2].lower()

    explicit = _text(obj.get("program")) or _text(obj.get("pathways:program"))
    if explicit:
        c["program"] = explicit
    elif default_program:
        c["program"] = default_program
    else:
        haystack = " ".join(
            _cell(obj.get(k)) for k in ("title", "description", "qualifications", "identifier")
        )
        c["program"] = next((code for rx, code in _PROGRAM_HINTS if rx.search(haystack)), "")

    locations = obj.get("jobLocation")
    c["location_count"] = str(len(locations)) if isinstance(locations, list) else "1"
    place = _first(locations)
    address = place.get("address") if isinstance(place, Mapping) else None
    address = _first(address)
    if isinstance(address, Mapping):
        country = address.get("addressCountry")
        if isinstance(country, Mapping):
            country = country.get("identifier") or country.get("name")
        c["country"] = str(country or "").strip()
        c["region"] = _text(address.get("addressRegion")) or ""
        c["city"] = _text(address.get("addressLocality")) or ""
        c["postal_code"] = _text(address.get("postalCode")) or ""
    elif isinstance(address, str):
        c["city"] = address

    salary = _first(obj.get("baseSalary"))
    currency = _text(obj.get("salaryCurrency"))
    if isinstance(salary, Mapping):
        currency = _text(salary.get("currency")) or currency
        value = salary.get("value")
        unit = salary.get("unitText")
        if isinstance(value, Mapping):
            unit = value.get("unitText", unit)
            value = value.get("value", value.get("minValue"))
            if isinstance(salary.get("value"), Mapping) and "maxValue" in salary["value"]:
                c["wage_to"] = _cell(salary["value"]["maxValue"])
        c["wage"] = _cell(value)
        c["per"] = _cell(unit)
    elif salary is not None:
        c["wage"] = _cell(salary)
    c["currency"] = currency or ""

    hours = _text(obj.get("workHours"))
    m = re.search(r"\d+(?:\.\d+)?", hours or "")
    c["hours"] = m.group(0) if m else ""
    c["start_date"] = _text(obj.get("jobStartDate")) or ""
    c["end_date"] = _text(obj.get("jobEndDate")) or _text(obj.get("endDate")) or ""

    category = _first(obj.get("occupationalCategory"))
    if isinstance(category, Mapping):
        c["code"] = _cell(category.get("codeValue") or category.get("name"))
        c["code_set"] = _cell(category.get("inCodeSet"))
    elif category is not None:
        c["code"] = _cell(category)

    experience = obj.get("experienceRequirements")
    if isinstance(experience, Mapping) and experience.get("monthsOfExperience") is not None:
        c["experience_months"] = _cell(experience["monthsOfExperience"])
    skills = obj.get("skills")
    skills_text = "; ".join(_cell(s) for s in skills) if isinstance(skills, list) else _text(skills)
    c["skills"] = (
        skills_text
        or _strip_html(_text(obj.get("qualifications")))
        or _strip_html(_text(obj.get("description")))
        or ""
    )
    languages = obj.get("languages") or obj.get("knowsLanguage") or []
    languages = languages if isinstance(languages, list) else [languages]
    c["languages"] = ",".join(filter(None, (_text(lang) for lang in languages)))
    c["housing"] = _cell(obj.get("housingProvided"))
    c["transport"] = _cell(obj.get("transportProvided"))
    return c


def _occupation(
    code_text: str | None, code_set: str | None, country: str
) -> tuple[str | None, str | None]:
    if not code_text:
        return None, None
    system, code = normalize_soc(code_text.split()[0])
    if system:
        return system, code
    m = re.match(r"\s*(\d{4,5})\b", code_text)
    if not m:
        return None, None
    digits = m.group(1)
    hint = (code_set or "").lower()
    if "sinco" in hint or (not hint and country == "MX" and len(digits) == 4):
        return "SINCO2019", digits
    if "noc" in hint or "cnp" in hint or country == "CA":
        return ("NOC2021" if len(digits) == 5 else "NOC2011"), digits
    return None, None


def _row(reader: RowReader, raw: dict[str, str]) -> ParsedVacancy | None:
    ref = reader.text("external_ref")
    if ref is None:
        reader.error("external_ref", "the JobPosting has no identifier, url or @id")
    title = reader.text("title")
    if title is None:
        reader.error("title", "the JobPosting has no title")
    program = reader.text("program")
    if program is None:
        reader.error(
            "program",
            'no program: add "program": "US-H2A" (or another program code) to the JobPosting',
        )
    elif program not in PROGRAM_CODES:
        reader.error(
            "program",
            "“%(value)s” is not one of %(choices)s",
            value=program,
            choices=", ".join(PROGRAM_CODES),
        )
    if reader.text("positions") is None:
        reader.warn("positions", "totalJobOpenings is missing; 1 assumed")
        positions: int | None = 1
    else:
        positions = reader.positions("positions")

    country_text = reader.text("country")
    country = _COUNTRIES.get(country_text.lower(), "") if country_text else ""
    if not country and country_text and re.fullmatch(r"[A-Za-z]{2}", country_text):
        country = country_text.upper()
    if not country:
        if not country_text:
            reader.error("worksite", "jobLocation.address.addressCountry is missing")
        else:
            reader.error("worksite", "“%(value)s” is not a country", value=country_text)
    if (reader.text("location_count") or "1") not in ("0", "1"):
        reader.warn(
            "worksite",
            "%(count)s job locations; the first is used",
            count=reader.text("location_count"),
        )
    region = reader.text("region")
    subdivision = subdivision_to_iso(country, region) if country and region else None
    if region and country and subdivision is None:
        reader.warn("worksite", "region “%(value)s” not recognised; left blank", value=region)
    if program and country and program[:2] != country and program in PROGRAM_CODES:
        reader.error(
            "program",
            "%(program)s is a %(destination)s program but the job is in %(country)s",
            program=program,
            destination=program[:2],
            country=country,
        )

    hours = reader.decimal("hours", "hours_per_week", zero_is_empty=True)
    amount, per, hourly = reader.wage("wage", "per", hours)
    currency = (reader.text("currency") or "").upper() or None
    if amount is not None and currency is None:
        currency = _CURRENCY_BY_COUNTRY.get(country)
        reader.warn(
            "wage", "no currency given; %(currency)s assumed from the country", currency=currency
        )
    start = reader.date("start_date", "start_date")
    end = reader.date("end_date", "end_date")
    check_dates(reader, start, end)
    system, code = _occupation(reader.text("code"), reader.text("code_set"), country)
    if reader.errors or not (ref and title and program and positions and country):
        return None
    return ParsedVacancy(
        external_ref=ref,
        program=program,
        title=title,
        positions=positions,
        worksite_country=country,
        source=FORMAT,
        raw=raw,
        employer_name=reader.text("employer"),
        title_lang=reader.text("title_lang"),
        native_code_system=system,
        native_code=code,
        worksite_subdivision=subdivision,
        worksite_city=reader.text("city"),
        worksite_postal_code=reader.text("postal_code"),
        wage_amount=amount,
        wage_currency=currency if amount is not None else None,
        wage_per=per,
        wage_hourly=hourly,
        hours_per_week=hours,
        start_date=start,
        end_date=end,
        housing_provided=reader.boolean("housing", "housing_provided"),
        transport_provided=reader.boolean("transport", "transport_provided"),
        experience_months=reader.integer("experience_months", "experience_months"),
        languages=[x.strip().lower() for x in (reader.text("languages") or "").split(",") if x],
        skills_text=reader.text("skills"),
    )


def _documents(text: str) -> tuple[list[Any], list[str]]:
    stripped = text.lstrip()
    warnings: list[str] = []
    if stripped[:1] in ("{", "["):
        try:
            return [load_json(stripped, parse_float=Decimal, strict=False)], warnings
        except json.JSONDecodeError as exc:
            raise ImportFormatError(
                "This file is not valid JSON-LD (line %(line)s, column %(column)s: %(reason)s).",
                line=exc.lineno,
                column=exc.colno,
                reason=exc.msg,
            ) from None
    if "<" not in stripped[:1000]:
        raise ImportFormatError(
            "This file is neither JSON-LD nor an HTML page with schema.org JobPosting data."
        )
    parser = _LdJsonScripts()
    parser.feed(text)
    parser.close()
    if not parser.blocks:
        raise ImportFormatError(
            'This HTML page has no <script type="application/ld+json"> block with a JobPosting.'
        )
    docs = []
    for i, block in enumerate(parser.blocks, start=1):
        try:
            docs.append(load_json(block, parse_float=Decimal, strict=False))
        except json.JSONDecodeError as exc:
            warnings.append(f"JSON-LD block {i} is not valid JSON ({exc.msg}); skipped.")
    return docs, warnings


def stream(data: bytes, *, program: str | None = None, **_: object) -> ParseStream:
    """Find every JobPosting; ``program`` is the default for postings that do not name one."""
    text, _enc = decode_bytes(data)
    docs, warnings = _documents(text)
    postings: list[Mapping[str, Any]] = []
    skipped = _collect(docs, postings)
    if not postings:
        raise ImportFormatError("This file does not contain any schema.org JobPosting.")
    if skipped:
        warnings.append(f"{skipped} JSON-LD object(s) that are not a JobPosting were skipped.")

    def rows() -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
        for number, obj in enumerate(postings, start=1):
            raw = {str(k): _cell(v) for k, v in obj.items()}
            yield number, _flatten(obj, program), raw

    return ParseStream(FORMAT, iter_rows(rows(), _row, {}), [], warnings)


def parse(data: bytes, **options: Any) -> ParsedFile:
    """Parse JSON-LD or HTML containing schema.org JobPosting objects."""
    return stream(data, **options).collect()
