"""Vacancy importers on small fixtures: encodings, drifted headers, bad rows, every format."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pathways.imports import (
    FORMATS,
    ImportFormatError,
    ParsedFile,
    iter_parse,
    normalize_header,
    parse_file,
    write_template,
)

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "templates" / "vacancies.csv"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def errors_by_row(parsed: ParsedFile) -> dict[int, list[tuple[str, str]]]:
    return {r.row: [(e.field, e.message) for e in r.errors] for r in parsed.rows if r.errors}


def test_registry_has_exactly_the_api_formats() -> None:
    assert set(FORMATS) == {"oflc-h2a", "oflc-h2b", "seasonaljobs", "lmia", "jsonld", "csv"}
    parsed = FORMATS["csv"](TEMPLATE.read_bytes())
    assert parsed.format == "csv" and len(parsed.valid) == 2


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(ImportFormatError, match="oflc-h2a, oflc-h2b, seasonaljobs, lmia"):
        parse_file("xlsx", b"a,b\n")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("EMPLOYER_NAME", "employer_name"), ("Employer Name", "employer_name"),
     ("\ufeffemployer-name ", "employer_name"), ("employerName", "employer_name"),
     ("Province/Territory", "province_territory"), ("Postes approuvés", "postes_approuves")],
)  # fmt: skip
def test_normalize_header(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected


# --- OFLC with drifted headers, BOM, multi-line field, bad rows ------------------------------


def test_drifted_headers_bom_multiline_and_bad_rows() -> None:
    parsed = parse_file("oflc-h2a", fixture("h2a_drifted_headers.csv"))
    assert parsed.unknown_columns == ["FAVOURITE_COLOUR"]
    assert [r.row for r in parsed.rows] == [2, 3, 4, 5, 6]  # trailing empty row ignored
    first, second = parsed.valid
    assert first.external_ref == "H-300-19001-000001"
    assert first.positions == 8  # certified count wins over requested
    assert first.worksite_subdivision == "US-WA" and first.worksite_city == "Yakima"
    assert first.wage_amount == Decimal("14.12") and first.wage_per == "hour"
    assert first.wage_hourly == Decimal("14.12") and first.wage_currency == "USD"
    assert first.housing_provided is True and first.status == "open"
    assert first.skills_text is not None and "Work on ladders, outdoors." in first.skills_text
    assert (first.native_code_system, first.native_code) == ("ONETSOC", "45-2092.00")
    assert first.raw["Case Number"] == "H-300-19001-000001"
    assert second.worksite_subdivision == "US-ID"  # "Idaho" spelled out
    assert (second.native_code_system, second.native_code) == ("SOC2018", "45-2093")
    assert second.wage_per == "month" and second.wage_hourly is None
    assert any("hours per week" in w.message for w in parsed.rows[1].warnings)

    errors = errors_by_row(parsed)
    assert errors[4] == [("wage", "“abc” is not a number (column Basic Rate Of Pay)")]
    assert errors[5][0][0] == "start_date" and "2019-02-30" in errors[5][0][1]
    assert errors[6][0][0] == "positions" and "at least 1" in errors[6][0][1]
    assert all(r.vacancy is None for r in parsed.rows if r.errors)


def test_wrong_file_for_the_format_is_one_clear_error() -> None:
    h2a = fixture("h2a_drifted_headers.csv")
    # Older H-2A and H-2B files share column names: the case numbers give the file away.
    with pytest.raises(ImportFormatError, match="H-2B disclosure file: .* format oflc-h2a"):
        parse_file("oflc-h2b", h2a)
    with pytest.raises(ImportFormatError, match="positive LMIA employer list: missing columns"):
        parse_file("lmia", h2a)
    with pytest.raises(ImportFormatError) as info:
        parse_file("oflc-h2a", b"CASE_NUMBER,EMPLOYER_NAME\nH-300-1,Farm\n")
    message = str(info.value)
    assert message.startswith("This file does not look like an OFLC H-2A disclosure file")
    assert "JOB_TITLE" in message and "WAGE_OFFER" in message
    for fmt in FORMATS:
        with pytest.raises(ImportFormatError):
            parse_file(fmt, b"")
        with pytest.raises(ImportFormatError):
            parse_file(fmt, b"\x89PNG\r\n\x1a\n\x00\x00binary")


def test_h2b_uses_wage_from_and_maps_status() -> None:
    data = (
        b"CASE_NUMBER,CASE_STATUS,JOB_TITLE,TOTAL_WORKERS_REQUESTED,TOTAL_WORKERS_CERTIFIED,"
        b"REQUESTED_BEGIN_DATE,REQUESTED_END_DATE,WORKSITE_STATE,BASIC_WAGE_RATE_FROM,"
        b"BASIC_WAGE_RATE_TO,PER,ANTICIPATED_NUMBER_OF_HOURS,DAILY_TRANSPORTATION\n"
        b"H-400-1,Withdrawn,Landscaper,12.0,,2022-04-01,2022-11-01,TX,15.5,18,Hour,40,Y\n"
        b"H-400-2,Determination Issued - Certification,Housekeeper,5,5,2022-04-01,2022-11-01,"
        b"FL,12.91,,Piece Rate,35,N\n"
        b"H-400-3,Determination Issued - Certification,Driver,1,1,2022-04-01,2022-11-01,"
        b"CA,1500,2000,Week,50,N\n"
        b"H-400-4,Determination Issued - Certification,Server,5,5,2022-04-01,2022-11-01,"
        b"NY,15,,,40,N\n"
    )
    parsed = parse_file("oflc-h2b", data)
    a, b, c, d = (r.vacancy for r in parsed.rows)
    assert a and b and c and d
    assert (a.status, a.positions, a.wage_amount, a.housing_provided) == (
        "closed",
        12,
        Decimal("15.5"),
        None,
    )
    assert a.raw["CASE_STATUS"] == "Withdrawn" and a.transport_provided is True
    assert (b.wage_per, b.wage_hourly) == ("piece", None)
    assert c.wage_hourly == Decimal("30.00")
    assert d.wage_amount is None  # no pay period: left unset, with a warning
    assert "no pay period" in parsed.rows[3].warnings[0].message


# --- Encodings ------------------------------------------------------------------------------


def test_cp1252_spreadsheet_export_with_accents() -> None:
    parsed = parse_file("lmia", fixture("lmia_cp1252.csv"))
    assert any("cp1252" in w for w in parsed.warnings)
    quebec = parsed.rows[0].vacancy
    assert quebec is not None
    assert quebec.worksite_subdivision == "CA-QC"
    assert quebec.raw["Province/Territory"] == "Québec"
    assert quebec.employer_name == "Ferme Éloïse Inc."
    assert (quebec.worksite_city, quebec.worksite_postal_code) == ("Saint-Rémi", "J0L 2L0")
    assert quebec.program == "CA-TFWP-AG" and quebec.housing_provided is True
    assert (quebec.native_code_system, quebec.native_code) == ("NOC2021", "85101")


def test_utf8_with_and_without_bom_and_semicolons_parse_the_same() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    plain = parse_file("csv", text.encode("utf-8"))
    bom = parse_file("csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    latin = parse_file("csv", text.encode("cp1252"))
    assert [asdict(v) for v in plain.valid] == [asdict(v) for v in bom.valid]
    assert [v.title for v in latin.valid] == [v.title for v in plain.valid]
    semicolons = b"external_ref;program;title;positions;worksite_country\nX1;US-H2A;Picker;3;US\n"
    european = parse_file("csv", semicolons)  # Excel in many locales saves with ";"
    assert european.valid[0].positions == 3 and any("';'" in w for w in european.warnings)


# --- LMIA -----------------------------------------------------------------------------------


def test_lmia_streams_map_to_programs_or_are_rejected_by_name() -> None:
    parsed = parse_file("lmia", fixture("lmia_cp1252.csv"))
    programs = [r.vacancy.program if r.vacancy else None for r in parsed.rows]
    assert programs == ["CA-TFWP-AG", "CA-SAWP", "CA-TFWP-LOW", None]
    field, message = errors_by_row(parsed)[5][0]
    assert field == "program" and "Permanent Resident Only" in message


def test_lmia_refs_are_stable_and_distinct() -> None:
    a = parse_file("lmia", fixture("lmia_cp1252.csv"))
    b = parse_file("lmia", fixture("lmia_cp1252.csv").replace(b"\r\n", b"\n"))
    refs = [v.external_ref for v in a.valid]
    assert refs == [v.external_ref for v in b.valid] and len(set(refs)) == len(refs)


def test_lmia_noc2011_and_zero_positions() -> None:
    data = (
        b"Quarter,Province/Territory,Stream,Employer,Address,Occupation,Approved Positions\n"
        b'2020Q1,British Columbia,Primary Agriculture,Farm A,"Abbotsford, V2S4N2",'
        b"8431-General farm workers,4\n"
        b'2020Q1,Ontario,Low Wage,Farm B,"Toronto, ON M5V 2T6",6711-Food counter attendants,0\n'
        b'2020Q1,Yukon,In-Home Caregiver,Family C,"Whitehorse, YT Y1A 1A1",4411-Home child care,1\n'
    )
    parsed = parse_file("lmia", data)
    farm = parsed.rows[0].vacancy
    assert farm is not None
    assert (farm.native_code_system, farm.native_code) == ("NOC2011", "8431")
    assert (farm.worksite_city, farm.worksite_postal_code) == ("Abbotsford", "V2S 4N2")
    errors = errors_by_row(parsed)
    assert errors[3][0][0] == "positions"
    assert "In-Home Caregiver" in errors[4][0][1]


# --- SeasonalJobs ---------------------------------------------------------------------------


def test_seasonaljobs_json_wrapped_and_mixed_key_styles() -> None:
    parsed = parse_file("seasonaljobs", fixture("seasonaljobs_api.json"))
    assert parsed.unknown_columns == []
    job = parsed.rows[0].vacancy
    assert job is not None and job.program == "US-H2A" and job.positions == 4
    assert job.start_date == date(2026, 1, 8) and job.worksite_subdivision == "US-GA"
    assert job.wage_hourly == Decimal("16.08") and job.housing_provided is True
    assert job.raw["active"] == "true"
    assert errors_by_row(parsed)[2] == [("wage", "“abc” is not a number (column basic_rate_from)")]


@pytest.mark.parametrize("wrapper", ["data", "results", "jobs", None])
def test_seasonaljobs_json_shapes(wrapper: str | None) -> None:
    record = {
        "case_number": "H-400-1",
        "job_title": "Cook",
        "total_positions": "2",
        "worksite_state": "Colorado",
        "basic_rate_from": 18.5,
        "pay_range_desc": "Hour",
    }
    doc = [record] if wrapper is None else {wrapper: [record]}
    parsed = parse_file("seasonaljobs", json.dumps(doc).encode())
    vacancy = parsed.rows[0].vacancy
    assert vacancy is not None and vacancy.program == "US-H2B"  # from the H-400 prefix
    assert vacancy.housing_provided is None and vacancy.worksite_subdivision == "US-CO"


def test_seasonaljobs_bad_json_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="not valid JSON"):
        parse_file("seasonaljobs", b'{"value": [')
    with pytest.raises(ImportFormatError, match="does not look like SeasonalJobs"):
        parse_file("seasonaljobs", b'{"unrelated": 1}')


# --- JSON-LD --------------------------------------------------------------------------------


def _refs(parsed: ParsedFile) -> list[str]:
    return [v.external_ref for v in parsed.valid]


def test_jsonld_single_object() -> None:
    parsed = parse_file("jsonld", fixture("jobposting_single.json"))
    (job,) = parsed.valid
    assert job.external_ref == "VO-2027-17" and job.program == "US-H2A"  # "(H-2A)" in title
    assert (job.positions, job.worksite_subdivision, job.worksite_city) == (25, "US-WA", "Yakima")
    assert (job.wage_amount, job.wage_currency, job.wage_per) == (Decimal("17.13"), "USD", "hour")
    assert job.hours_per_week == Decimal("40") and job.start_date == date(2027, 4, 1)
    assert job.skills_text == "Pick apples. Housing provided."
    assert job.title_lang == "en" and job.employer_name == "Valley Orchards LLC"


def test_jsonld_list_reports_bad_postings_by_position() -> None:
    parsed = parse_file("jsonld", fixture("jobposting_list.json"))
    assert _refs(parsed) == ["VO-2027-17", "https://example.org/jobs/on-greenhouse-3"]
    greenhouse = parsed.valid[1]
    assert greenhouse.program == "CA-SAWP" and greenhouse.worksite_subdivision == "CA-ON"
    assert (greenhouse.native_code_system, greenhouse.native_code) == ("NOC2021", "85103")
    assert greenhouse.wage_amount == Decimal("17.2") and greenhouse.wage_currency == "CAD"
    assert errors_by_row(parsed)[3][0][0] == "program"
    with_default = parse_file("jsonld", fixture("jobposting_list.json"), program="MX-TVTF")
    chiapas = with_default.rows[2].vacancy
    assert chiapas is not None and chiapas.worksite_subdivision == "MX-CHP"
    assert chiapas.positions == 1 and chiapas.program == "MX-TVTF"


def test_jsonld_graph_and_html_page() -> None:
    graph = parse_file("jsonld", fixture("jobposting_graph.jsonld"))
    html = parse_file("jsonld", fixture("jobposting_page.html"))
    expected = ["VO-2027-17", "https://example.org/jobs/on-greenhouse-3"]
    assert _refs(graph) == expected and _refs(html) == expected
    assert any("not a JobPosting" in w for w in graph.warnings)
    assert any("block 2 is not valid JSON" in w for w in html.warnings)


def test_jsonld_without_postings_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="JobPosting"):
        parse_file("jsonld", b'{"@type": "Organization", "name": "x"}')
    with pytest.raises(ImportFormatError, match="ld\\+json"):
        parse_file("jsonld", b"<html><body>No data</body></html>")


# --- Template -------------------------------------------------------------------------------


def test_template_round_trip() -> None:
    first = parse_file("csv", TEMPLATE.read_bytes())
    assert first.unknown_columns == [] and not first.rejected and len(first.valid) == 2
    again = parse_file("csv", write_template(first.valid))
    strip = [{k: v for k, v in asdict(x).items() if k != "raw"} for x in first.valid]
    assert strip == [{k: v for k, v in asdict(x).items() if k != "raw"} for x in again.valid]
    sawp = first.valid[1]
    assert sawp.worksite_subdivision == "CA-ON" and sawp.languages == ["es", "en"]


def test_template_row_errors_keep_other_rows() -> None:
    header = TEMPLATE.read_text(encoding="utf-8").splitlines()[0]
    rows = [
        "A1,US-H2A,Picker,3,US,WA,,,,,,,abc,USD,hour,,,,,,,,,",
        "A2,US-H2A,Picker,0,US,WA,,,,,,,,,,,,,,,,,,",
        "A3,US-H2A,Picker,2,US,WA,,,,,,,,,,,2027-13-01,,,,,,,",
        "A4,US-H2A,Picker,2,CA,ON,,,,,,,,,,,,,,,,,,",
        "A5,US-H3Z,Picker,2,US,WA,,,,,,,,,,,,,,,,,,",
        "A6,US-H2A,Picker,2,US,WA,,,,,,,16,,hour,,2027-05-01,2027-04-01,,,,,,",
        "A7,US-H2A,Picker,2,US,WA,,,,,,,16,,hour,,,,,,,,,",
        "A7,US-H2A,Picker,2,US,WA,,,,,,,16,,hour,,,,,,,,,",
        ",,,,,,,,,,,,,,,,,,,,,,,",
    ]
    parsed = parse_file("csv", "\n".join([header, *rows]).encode())
    errors = errors_by_row(parsed)
    assert errors[2] == [("wage", "“abc” is not a number (column wage_amount)")]
    assert errors[3][0][0] == "positions"
    assert errors[4][0][0] == "start_date"
    assert errors[5][0][0] == "worksite"
    assert errors[6][0][0] == "program"
    assert errors[7][0][0] == "end_date"
    assert errors[9] == [("external_ref", "“A7” already appears in row 8")]
    ok = parsed.rows[6].vacancy
    assert ok is not None and ok.wage_currency == "USD" and ok.worksite_subdivision == "US-WA"
    assert len(parsed.rows) == 8


def test_iter_parse_checks_the_header_before_any_row() -> None:
    with pytest.raises(ImportFormatError):
        iter_parse("lmia", b"foo,bar\n1,2\n")
    stream = iter_parse("csv", TEMPLATE.read_bytes())
    assert stream.unknown_columns == []
    assert [r.row for r in stream.rows] == [2, 3]


def test_one_declaration_of_the_vacancy_fields() -> None:
    """ParsedVacancy declares the fields; the row, the comparison on re-import and the
    template file follow from it, so a new field cannot be stored or compared half-way."""
    from dataclasses import fields

    from pathways.imports import TEMPLATE_COLUMNS, ParsedVacancy
    from pathways.models import Vacancy
    from pathways.services import vacancy_shapes

    declared = {f.name for f in fields(ParsedVacancy)}
    columns = set(Vacancy.model_fields)
    stored = {vacancy_shapes.COLUMN_OF.get(n, n) for n in declared - vacancy_shapes.NOT_STORED}
    assert stored <= columns
    assert set(vacancy_shapes.COMPARED) <= columns
    assert set(vacancy_shapes.DERIVED_COLUMNS) <= columns
    from pathways.imports.template import FIELD_OF_COLUMN

    in_file = {FIELD_OF_COLUMN.get(c, c) for c in TEMPLATE_COLUMNS}
    assert declared - in_file == {"source", "raw", "wage_hourly"}
