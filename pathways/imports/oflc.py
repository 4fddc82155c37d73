"""US DOL OFLC H-2A and H-2B disclosure files (formats ``oflc-h2a`` and ``oflc-h2b``).

One row per certification case; ``CASE_NUMBER`` is the external reference. Column names
have drifted between fiscal years (``NBR_WORKERS_REQUESTED`` → ``TOTAL_WORKERS_H2A_REQUESTED``,
``JOB_START_DATE`` → ``EMPLOYMENT_BEGIN_DATE``, ``BASIC_RATE_OF_PAY`` → ``WAGE_OFFER``…), so
every field accepts the spellings listed below.

Mapping decisions
-----------------
* positions: certified H-2A/H-2B workers when positive, else the H-2A/H-2B workers
  requested, else the total workers needed (certified counts are 0/empty for denied cases).
* status: ``closed`` when the case status says denied, withdrawn or rejected; else ``open``.
  The original status stays in ``raw``.
* dates: employment dates when present, else the requested dates.
* wage: H-2A ``WAGE_OFFER`` + ``PER``; H-2B ``BASIC_WAGE_RATE_FROM`` + ``PER`` (the ``TO`` end
  of a range stays in ``raw``). An H-2A piece rate offered on top of the hourly wage is noted
  as a row warning. A wage with an empty ``PER`` is left unset (warning).
* housing and transport: H-2A employers must provide housing and daily transport
  (20 CFR 655.122(d), (h)) → True. H-2B: housing unknown → None; transport from
  ``DAILY_TRANSPORTATION`` when present.
* occupation: ``SOC_CODE`` ``45-2092.00`` → O*NET-SOC; ``45-2092`` → SOC 2018.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from matching.normalize import us_state_to_iso

from .base import (
    FormatSpec,
    ImportFormatError,
    ParsedVacancy,
    ParseStream,
    RowReader,
    check_dates,
    closed_status,
    csv_stream,
    normalize_soc,
)

_COMMON: dict[str, tuple[str, ...]] = {
    "case_number": ("CASE_NUMBER", "CASE_NO", "CASE_ID", "CASE NUMBER"),
    "case_status": ("CASE_STATUS", "STATUS", "DECISION"),
    "employer_name": ("EMPLOYER_NAME", "EMPLOYER", "EMPLOYER_BUSINESS_NAME", "EMPLOYER_LEGAL_NAME"),
    "trade_name": ("TRADE_NAME_DBA", "EMPLOYER_TRADE_NAME", "DBA"),
    "job_title": ("JOB_TITLE", "TITLE", "POSITION_TITLE"),
    "soc_code": ("SOC_CODE", "SOC_CODE_ID", "PW_SOC_CODE", "ONET_CODE"),
    "begin_date": (
        "EMPLOYMENT_BEGIN_DATE",
        "JOB_START_DATE",
        "BEGIN_DATE",
        "CERTIFICATION_BEGIN_DATE",
    ),
    "end_date": ("EMPLOYMENT_END_DATE", "JOB_END_DATE", "END_DATE", "CERTIFICATION_END_DATE"),
    "requested_begin_date": ("REQUESTED_BEGIN_DATE", "REQUESTED_START_DATE"),
    "requested_end_date": ("REQUESTED_END_DATE",),
    "hours": (
        "ANTICIPATED_NUMBER_OF_HOURS",
        "BASIC_NUMBER_OF_HOURS",
        "HOURS_PER_WEEK",
        "NBR_HOURS",
    ),
    "experience_months": ("WORK_EXPERIENCE_MONTHS", "EMP_EXPERIENCE_MONTHS", "EXPERIENCE_MONTHS"),
    "special_requirements": ("SPECIAL_REQUIREMENTS", "JOB_REQUIREMENTS", "JOB_DUTIES"),
    "worksite_city": ("WORKSITE_CITY", "WORKSITE_LOCATION_CITY", "WORKSITE_CITY_1"),
    "worksite_state": ("WORKSITE_STATE", "WORKSITE_LOCATION_STATE", "WORKSITE_STATE_1"),
    "worksite_postal_code": ("WORKSITE_POSTAL_CODE", "WORKSITE_ZIP", "WORKSITE_ZIP_CODE"),
    "per": ("PER", "BASIC_UNIT_OF_PAY", "WAGE_UNIT_OF_PAY", "WAGE_PER", "UNIT_OF_PAY"),
}

H2A_SPEC = FormatSpec(
    label="an OFLC H-2A disclosure file",
    fields={
        **_COMMON,
        "workers_certified": (
            "TOTAL_WORKERS_H2A_CERTIFIED",
            "NBR_WORKERS_CERTIFIED",
            "TOTAL_WORKERS_CERTIFIED",
        ),
        "workers_requested": (
            "TOTAL_WORKERS_H2A_REQUESTED",
            "NBR_WORKERS_REQUESTED",
            "TOTAL_WORKERS_REQUESTED",
        ),
        "workers_needed": ("TOTAL_WORKERS_NEEDED", "NBR_WORKERS_NEEDED", "WORKER_POSITIONS"),
        "wage": ("WAGE_OFFER", "BASIC_RATE_OF_PAY", "WAGE_RATE_OF_PAY", "HOURLY_WAGE_OFFER"),
        "piece_rate": ("PIECE_RATE_OFFER",),
        "piece_unit": ("PIECE_RATE_UNIT",),
    },
    required=(
        ("case_number",),
        ("job_title",),
        ("workers_certified", "workers_requested", "workers_needed"),
        ("worksite_state",),
        ("wage",),
        ("per",),
    ),
    ignored=[
        "RECEIVED_DATE",
        "DECISION_DATE",
        "TYPE_OF_EMPLOYER_APPLICATION",
        "H2A_LABOR_CONTRACTOR",
        "NATURE_OF_TEMPORARY_NEED",
        "EMERGENCY_FILING",
        "EMPLOYER_CITY",
        "EMPLOYER_STATE",
        "EMPLOYER_POSTAL_CODE",
        "EMPLOYER_COUNTRY",
        "NAICS_CODE",
        "SOC_TITLE",
        "JOB_ORDER_NUMBER",
        "ON_CALL_REQUIREMENT",
        "HOURLY_SCHEDULE_BEGIN",
        "HOURLY_SCHEDULE_END",
        "790A_ADDENDUM_A_ATTACHED",
        "FREQUENCY_OF_PAY",
        "OTHER_FREQUENCY_OF_PAY",
        "EDUCATION_LEVEL",
        "TRAINING_MONTHS",
        "CERTIFICATION_REQUIREMENTS",
        "DRIVER_REQUIREMENTS",
        "CRIMINAL_BACKGROUND_CHECK",
        "DRUG_SCREEN",
        "LIFTING_REQUIREMENTS",
        "LIFTING_AMOUNT",
        "EXPOSURE_TO_TEMPERATURES",
        "EXTENSIVE_PUSHING_PULLING",
        "EXTENSIVE_SITTING_WALKING",
        "FREQUENT_STOOPING_BENDING_OVER",
        "REPETITIVE_MOVEMENTS",
        "SUPERVISE_OTHER_EMP",
        "SUPERVISE_HOW_MANY",
        "WORKSITE_COUNTY",
        "ADDENDUM_B_WORKSITE_ATTACHED",
        "TOTAL_WORKSITES_RECORDS",
        "HOUSING_CITY",
        "HOUSING_STATE",
        "HOUSING_COUNTY",
        "TYPE_OF_HOUSING",
        "TOTAL_UNITS",
        "TOTAL_OCCUPANCY",
        "MEALS_PROVIDED",
        "MEALS_CHARGE",
        "MEAL_REIMBURSEMENT_MINIMUM",
        "MEAL_REIMBURSEMENT_MAXIMUM",
        "TOTAL_ADDENDUM_A_RECORDS",
        "SOURCE_FILE_PERIOD",
    ],
)

H2B_SPEC = FormatSpec(
    label="an OFLC H-2B disclosure file",
    fields={
        **_COMMON,
        "workers_certified": (
            "TOTAL_WORKERS_CERTIFIED",
            "NBR_WORKERS_CERTIFIED",
            "TOTAL_WORKERS_H2B_CERTIFIED",
        ),
        "workers_requested": (
            "TOTAL_WORKERS_REQUESTED",
            "NBR_WORKERS_REQUESTED",
            "TOTAL_WORKERS_H2B_REQUESTED",
        ),
        "workers_needed": ("TOTAL_WORKERS_NEEDED", "WORKER_POSITIONS", "NBR_WORKERS_NEEDED"),
        "wage": (
            "BASIC_WAGE_RATE_FROM",
            "BASIC_WAGE_RATE",
            "WAGE_RATE_OF_PAY_FROM",
            "BASIC_RATE_OF_PAY",
            "WAGE_OFFER",
        ),
        "wage_to": ("BASIC_WAGE_RATE_TO", "WAGE_RATE_OF_PAY_TO"),
        "daily_transport": ("DAILY_TRANSPORTATION",),
    },
    required=(
        ("case_number",),
        ("job_title",),
        ("workers_certified", "workers_requested", "workers_needed"),
        ("worksite_state",),
        ("wage",),
        ("per",),
    ),
    ignored=[
        "SOURCE_FILE_PERIOD",
        "RECEIVED_DATE",
        "DECISION_DATE",
        "CAP_EXEMPT",
        "SOC_TITLE",
        "NATURE_OF_TEMPORARY_NEED",
        "EMPLOYER_CITY",
        "EMPLOYER_STATE",
        "EMPLOYER_POSTAL_CODE",
        "EMPLOYER_COUNTRY",
        "NAICS_CODE",
        "TYPE_OF_REPRESENTATION",
        "SWA_STATE",
        "HOURLY_SCHEDULE_BEGIN",
        "HOURLY_SCHEDULE_END",
        "EDUCATION_LEVEL",
        "TRAINING_MONTHS",
        "SUPERVISE_OTHER_EMP",
        "SUPERVISE_HOW_MANY",
        "WORKSITE_COUNTY",
        "MSA_NAME_OES_AREA_TITLE",
        "OVERTIME_RATE_FROM",
        "OVERTIME_RATE_TO",
        "ADDITIONAL_WAGE_CONDITIONS",
        "1st_PWD_CASE_NUMBER",
        "OTHER_WORKSITE_LOCATION",
        "OVERTIME_AVAILABLE",
        "ON_THE_JOB_TRAINING_AVAILABLE",
        "EMP_PROVIDED_TOOLS_EQUIPMENT",
        "BOARD_LODGING_OTHER_FACILITIES",
        "DEDUCTIONS_FROM_PAY",
        "TYPE_OF_EMPLOYER",
        "FOREIGN_LABOR_RECRUITER",
    ],
)


def _row(reader: RowReader, raw: dict[str, str], *, program: str, fmt: str) -> ParsedVacancy | None:
    ref = reader.text("case_number")
    if ref is None:
        reader.error("external_ref", "CASE_NUMBER is empty")
    else:
        # Older H-2A and H-2B files share column names; the case number tells them apart.
        other = _OTHER.get(program)
        if other and ref.upper().startswith(other[0]):
            reader.error(
                "program",
                "%(ref)s is an %(kind)s case; import it as %(format)s",
                ref=ref,
                kind=other[1],
                format=other[2],
            )
    title = reader.text("job_title")
    if title is None:
        reader.error("title", "JOB_TITLE is empty")
    positions = reader.positions("workers_certified", "workers_requested", "workers_needed")

    state_text = reader.text("worksite_state")
    subdivision = us_state_to_iso(state_text)
    if state_text is None:
        reader.error("worksite", "WORKSITE_STATE is empty")
    elif subdivision is None:
        reader.error("worksite", "“%(value)s” is not a US state or territory", value=state_text)

    start = reader.date("begin_date", "start_date") or reader.date(
        "requested_begin_date", "start_date"
    )
    end = reader.date("end_date", "end_date") or reader.date("requested_end_date", "end_date")
    check_dates(reader, start, end)

    hours = reader.decimal("hours", "hours_per_week", zero_is_empty=True)
    amount, per, hourly = reader.wage("wage", "per", hours)
    if program == "US-H2A":
        piece = reader.decimal("piece_rate", "wage", zero_is_empty=True)
        if piece is not None:
            unit = (reader.text("piece_unit") or "").strip()[:80]
            note = f"a piece rate of {piece} is also offered"
            if unit:
                reader.warn("wage", "%(note)s (%(unit)s)", note=note, unit=unit)
            else:
                reader.warn("wage", "%(note)s", note=note)
        housing: bool | None = True
        transport: bool | None = True
    else:
        housing = None
        transport = reader.boolean("daily_transport", "transport_provided")

    system, code = normalize_soc(reader.text("soc_code"))
    experience = reader.integer("experience_months", "experience_months")
    if reader.errors or ref is None or title is None or positions is None:
        return None
    return ParsedVacancy(
        external_ref=ref,
        program=program,
        title=title,
        positions=positions,
        worksite_country="US",
        source=fmt,
        raw=raw,
        employer_name=reader.text("employer_name") or reader.text("trade_name"),
        title_lang="en",
        native_code_system=system,
        native_code=code,
        worksite_subdivision=subdivision,
        worksite_city=reader.text("worksite_city"),
        worksite_postal_code=reader.text("worksite_postal_code"),
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
        skills_text=_skills(reader.text("special_requirements")),
        status=closed_status(reader.text("case_status")),
    )


def _skills(text: str | None) -> str | None:
    if text is None or text.strip().upper() in {"NONE", "N/A", "NA", "NONE."}:
        return None
    return text


_OTHER = {
    "US-H2A": ("H-400-", "H-2B", "oflc-h2b"),
    "US-H2B": ("H-300-", "H-2A", "oflc-h2a"),
}


def _stream_for(spec: FormatSpec, program: str, fmt: str) -> Callable[..., ParseStream]:
    def stream(data: bytes, **_: object) -> ParseStream:
        parsed = csv_stream(data, spec, fmt, lambda r, raw: _row(r, raw, program=program, fmt=fmt))
        head = list(itertools.islice(parsed.rows, 20))
        if head and all(any(e.field == "program" for e in r.errors) for r in head):
            _prefix, other, other_fmt = _OTHER[program]
            raise ImportFormatError(
                "This file does not look like %(label)s: its case numbers are %(kind)s cases; "
                "import it with format %(format)s.",
                label=spec.label,
                kind=other,
                format=other_fmt,
            )
        parsed.rows = itertools.chain(head, parsed.rows)
        return parsed

    return stream


stream_h2a = _stream_for(H2A_SPEC, "US-H2A", "oflc-h2a")
stream_h2b = _stream_for(H2B_SPEC, "US-H2B", "oflc-h2b")
