"""SeasonalJobs.dol.gov job orders (format ``seasonaljobs``): CSV exports and API JSON.

JSON may be a list of records or an object wrapping the list under ``data``, ``results``,
``jobs`` or ``value`` (the SeasonalJobs search API answers ``{"value": [...]}``). Field names
are the API's (``case_number``, ``job_title``, ``basic_rate_from``…); camelCase variants
(``caseNumber``) match too.

Mapping decisions
-----------------
* external_ref: ``case_number`` (falls back to ``case_id``).
* program: ``visa_class`` H-2A → US-H2A, H-2B → US-H2B; when absent, the case-number prefix
  (H-300 = H-2A, H-400 = H-2B).
* positions: ``total_positions``.
* wage: ``basic_rate_from`` per ``pay_range_desc``; ``basic_rate_to`` of 0 means "no range".
  ``job_piece_rate`` > 0 is noted as a row warning. ``work_hour_num_basic`` of 0 is unknown.
* housing: a housing column when present; otherwise True for H-2A (employer-provided housing
  is mandatory) and None for H-2B.
* status: ``closed`` when ``case_status`` says denied/withdrawn/rejected or ``active`` is
  false; otherwise ``open``.
* skills_text: ``job_duties`` then ``special_req`` (absent from the trimmed snapshot).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from matching.normalize import us_state_to_iso

from .base import (
    FormatSpec,
    ImportFormatError,
    ParsedFile,
    ParsedVacancy,
    ParseStream,
    RowReader,
    check_dates,
    closed_status,
    csv_stream,
    decode_bytes,
    iter_rows,
    load_json,
    normalize_header,
    normalize_soc,
    resolve_columns,
)

FORMAT = "seasonaljobs"

SPEC = FormatSpec(
    label="a SeasonalJobs job-order export",
    fields={
        "case_number": ("case_number", "caseNumber", "CASE_NUMBER", "job_order_number"),
        "case_id": ("case_id", "caseId", "id"),
        "case_status": ("case_status", "status"),
        "active": ("active", "is_active"),
        "visa_class": ("visa_class", "visa_type", "visa"),
        "job_title": ("job_title", "title"),
        "job_title_es": ("job_title_es",),
        "wage": ("basic_rate_from", "wage_offer", "basic_rate", "wage_from"),
        "wage_to": ("basic_rate_to", "wage_to"),
        "per": ("pay_range_desc", "per", "pay_period", "wage_per"),
        "hours": ("work_hour_num_basic", "hours_per_week", "basic_hours"),
        "positions": ("total_positions", "workers_needed", "total_workers_needed", "positions"),
        "begin_date": ("begin_date", "start_date", "employment_begin_date"),
        "end_date": ("end_date", "employment_end_date"),
        "experience_months": ("emp_exp_num_months", "experience_months"),
        "employer_name": ("employer_business_name", "employer_name", "employer"),
        "trade_name": ("employer_trade_name", "trade_name"),
        "worksite_city": ("worksite_city",),
        "worksite_state": ("worksite_state",),
        "worksite_zip": ("worksite_zip", "worksite_postal_code"),
        "soc_code": ("soc_code_id", "soc_code"),
        "job_duties": ("job_duties",),
        "special_req": ("special_req", "special_requirements"),
        "piece_rate": ("job_piece_rate", "piece_rate"),
        "housing": ("housing_provided", "housing", "is_housing_provided", "employer_housing"),
        "transport": ("transportation_provided", "daily_transportation"),
    },
    required=(("case_number", "case_id"), ("job_title",), ("positions",), ("worksite_state",)),
    ignored=[
        "overtime_rate_from",
        "overtime_rate_to",
        "full_time",
        "hourly_work_schedule_am",
        "hourly_work_schedule_pm",
        "is_overtime_available",
        "training_req",
        "num_months_training",
        "education_level",
        "employer_city",
        "employer_state",
        "employer_zip",
        "worksite_locations",
        "worksite_address",
        "apply_url",
        "job_order_exists",
        "active_date",
        "document_available",
        "job_order_id",
        "crop",
        "job_duties_es",
        "emp_experience_reqd",
        "special_req_es",
        "name_reqd_training",
        "naic_id",
        "naic_description",
        "add_wage_info",
        "add_wage_info_es",
        "worksite_address_alt",
        "accepted_date",
        "affirmed_date",
        "soc_title",
        "soc_description",
        "coord",
        "oflc_cms",
        "apply_extension",
        "accepted_date_time",
        "add_special_pay_info",
        "add_special_pay_info_es",
        "min_productivity",
        "formVersionId",
        "url_job",
        "apply_email",
        "apply_phone",
        "@search.score",
        "@search.highlights",
        "search_score",
    ],
)

_WRAPPERS = ("data", "results", "jobs", "value", "items")


def _program(reader: RowReader, ref: str | None) -> str | None:
    visa = (reader.text("visa_class") or "").upper().replace("-", "").replace(" ", "")
    if visa in {"H2A", "H2B"}:
        return "US-H2A" if visa == "H2A" else "US-H2B"
    if visa:
        reader.error(
            "program",
            "visa class “%(value)s” is not H-2A or H-2B",
            value=reader.text("visa_class"),
        )
        return None
    if ref and ref.upper().startswith("H-300"):
        return "US-H2A"
    if ref and ref.upper().startswith("H-400"):
        return "US-H2B"
    reader.error("program", "visa class is missing and the case number does not tell it")
    return None


def _row(reader: RowReader, raw: dict[str, str]) -> ParsedVacancy | None:
    ref = reader.text("case_number") or reader.text("case_id")
    if ref is None:
        reader.error("external_ref", "case_number is empty")
    program = _program(reader, ref)
    title = reader.text("job_title")
    if title is None:
        reader.error("title", "job_title is empty")
    positions = reader.positions("positions")

    state_text = reader.text("worksite_state")
    subdivision = us_state_to_iso(state_text)
    if state_text is None:
        reader.error("worksite", "worksite_state is empty")
    elif subdivision is None:
        reader.error("worksite", "“%(value)s” is not a US state or territory", value=state_text)

    start = reader.date("begin_date", "start_date")
    end = reader.date("end_date", "end_date")
    check_dates(reader, start, end)
    hours = reader.decimal("hours", "hours_per_week", zero_is_empty=True)
    amount, per, hourly = reader.wage("wage", "per", hours)
    piece = reader.decimal("piece_rate", "wage", zero_is_empty=True)
    if piece is not None and per != "piece":
        reader.warn("wage", "a piece rate of %(piece)s is also offered", piece=piece)

    housing = reader.boolean("housing", "housing_provided")
    if housing is None and reader.text("housing") is None and program == "US-H2A":
        housing = True
    transport = reader.boolean("transport", "transport_provided")
    if transport is None and reader.text("transport") is None and program == "US-H2A":
        transport = True

    status = closed_status(reader.text("case_status"))
    if reader.text("active") is not None and reader.boolean("active", "status") is False:
        status = "closed"
    system, code = normalize_soc(reader.text("soc_code"))
    experience = reader.integer("experience_months", "experience_months")
    if reader.errors or not (ref and title and program and positions):
        return None
    return ParsedVacancy(
        external_ref=ref,
        program=program,
        title=title,
        positions=positions,
        worksite_country="US",
        source=FORMAT,
        raw=raw,
        employer_name=reader.text("employer_name") or reader.text("trade_name"),
        title_lang="en",
        native_code_system=system,
        native_code=code,
        worksite_subdivision=subdivision,
        worksite_city=reader.text("worksite_city"),
        worksite_postal_code=reader.text("worksite_zip"),
        wage_amount=amount,
        wage_currency="USD" if amount is not None else None,
        wage_per=per,
        wage_hourly=hourly,
        hours_per_week=hours,
        start_date=start,
        end_date=end,
        housing_provided=housing,
        transport_provided=transport,
        experience_months=experience,
        skills_text=reader.text("job_duties") or reader.text("special_req"),
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# JSON


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _json_records(text: str) -> list[Any]:
    try:
        doc = load_json(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            "This file is not valid JSON (line %(line)s, column %(column)s: %(reason)s).",
            line=exc.lineno,
            column=exc.colno,
            reason=exc.msg,
        ) from None
    if isinstance(doc, dict):
        for key in _WRAPPERS:
            if isinstance(doc.get(key), list):
                return list(doc[key])
        if "case_number" in doc or "caseNumber" in doc:
            return [doc]
        raise ImportFormatError(
            "This JSON does not look like SeasonalJobs job orders: expected a list of records "
            "or an object with one of %(keys)s holding the list.",
            keys=", ".join(_WRAPPERS),
        )
    if isinstance(doc, list):
        return doc
    raise ImportFormatError("This JSON does not look like SeasonalJobs job orders.")


def json_stream(text: str) -> ParseStream:
    records = _json_records(text)
    # Keys are matched by their normalised form, so records mixing ``case_number`` and
    # ``caseNumber`` still line up; the first spelling seen names the column.
    keys: dict[str, str] = {}
    for rec in records:
        if isinstance(rec, Mapping):
            for k in rec:
                keys.setdefault(normalize_header(str(k)), str(k))
    cmap = resolve_columns(list(keys.values()), SPEC)
    columns = {key: cmap.headers[pos] for key, pos in cmap.index.items()}
    wanted = {key: normalize_header(col) for key, col in columns.items()}

    def rows() -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
        for i, rec in enumerate(records, start=1):
            if not isinstance(rec, Mapping):
                rec = {"_value": rec}
            raw = {str(k): _cell(v) for k, v in rec.items()}
            norm = {normalize_header(k): v for k, v in raw.items()}
            cells = {key: norm.get(nk, "") for key, nk in wanted.items()}
            yield i, cells, raw

    return ParseStream(FORMAT, iter_rows(rows(), _row, columns), cmap.unknown, [])


def stream(data: bytes, **_: object) -> ParseStream:
    """SeasonalJobs CSV or JSON, detected from the first character."""
    text, _enc = decode_bytes(data[:64])
    if text.lstrip()[:1] in ("[", "{"):
        full, _enc = decode_bytes(data)
        return json_stream(full)
    return csv_stream(data, SPEC, FORMAT, _row)


def parse(data: bytes, **options: object) -> ParsedFile:
    """Parse a SeasonalJobs CSV export or API JSON."""
    return stream(data, **options).collect()
