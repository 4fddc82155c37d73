"""Every importer against the real public files in ../shared/data (see its PROVENANCE.md).

The files are not copied into the repository. Set ``PATHWAYS_SHARED_DATA`` to point at the
``shared/data`` directory elsewhere; without it the tests skip and say why.
Run with ``-s`` to see validity rates and the top rejection reasons.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path

import pytest

from pathways.imports import ParsedFile, decode_bytes, parse_file

SHARED = Path(
    os.environ.get("PATHWAYS_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)

# (format, relative path, minimum share of valid rows)
REAL_FILES = [
    ("oflc-h2a", "us_oflc/h2a_disclosure_fy2022_q1.csv", 0.95),
    ("oflc-h2b", "us_oflc/h2b_disclosure_fy2021q1_fy2022q1.csv", 0.95),
    ("seasonaljobs", "us_oflc/seasonaljobs_job_orders_snapshot_2026-01.csv", 0.95),
    ("seasonaljobs", "us_oflc/seasonaljobs_job_orders_full_bilingual_sample.csv", 0.95),
    ("lmia", "canada_tfwp/tfwp_positive_lmia_employers_2024q4_noc2021.csv", 0.95),
    ("lmia", "canada_tfwp/tfwp_positive_lmia_employers_2020.csv", 0.95),
]


def real_file(relative: str) -> bytes:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(
            f"real data file {path} not found; set PATHWAYS_SHARED_DATA to the shared/data "
            "directory to run this test"
        )
    return path.read_bytes()


def data_row_count(data: bytes) -> int:
    text, _ = decode_bytes(data)
    records = list(csv.reader(io.StringIO(text, newline="")))
    return sum(1 for cells in records[1:] if any(c.strip() for c in cells))


def report(name: str, parsed: ParsedFile) -> None:
    reasons = Counter(
        f"{e.field}: {e.message}" for r in parsed.rejected for e in r.errors
    ).most_common(5)
    share = len(parsed.valid) / len(parsed.rows)
    print(f"\n{name}: {len(parsed.valid)}/{len(parsed.rows)} valid ({share:.2%})")
    for reason, count in reasons:
        print(f"  {count:6d}  {reason[:140]}")


@pytest.mark.parametrize(("fmt", "relative", "floor"), REAL_FILES, ids=[r[1] for r in REAL_FILES])
def test_real_file_parses_every_row(fmt: str, relative: str, floor: float) -> None:
    data = real_file(relative)
    parsed = parse_file(fmt, data)
    report(relative, parsed)

    assert len(parsed.rows) == data_row_count(data)
    assert parsed.unknown_columns == []
    assert len(parsed.valid) / len(parsed.rows) >= floor
    rows = [r.row for r in parsed.rows]
    assert rows == sorted(set(rows)) and rows[0] == 2  # every row once, spreadsheet numbering
    for row in parsed.rows:
        assert (row.vacancy is None) == bool(row.errors)
        assert all(e.field and e.message for e in row.errors)
    refs = [v.external_ref for v in parsed.valid]
    assert len(refs) == len(set(refs))
    for v in parsed.valid:
        assert v.positions >= 1 and v.title and v.source == fmt
        assert v.worksite_country in {"US", "CA"}
        assert v.worksite_subdivision is None or v.worksite_subdivision.startswith(
            v.worksite_country + "-"
        )
        assert v.status in {"open", "closed"}
        assert v.wage_amount is None or (v.wage_currency and v.wage_per)

    again = parse_file(fmt, data)
    assert refs == [v.external_ref for v in again.valid]  # deterministic re-parse


def test_seasonaljobs_snapshot_parses_every_row() -> None:
    # The parse time (target < 10 s) is measured by tests/benchmarks/bench_import.py.
    data = real_file("us_oflc/seasonaljobs_job_orders_snapshot_2026-01.csv")
    parsed = parse_file("seasonaljobs", data)
    assert len(parsed.rows) == 13557


def test_real_values_are_mapped_as_documented() -> None:
    h2a = parse_file("oflc-h2a", real_file("us_oflc/h2a_disclosure_fy2022_q1.csv"))
    first = h2a.valid[0]
    assert first.external_ref == "H-300-21264-596831" and first.program == "US-H2A"
    assert (first.wage_per, first.housing_provided) == ("month", True)
    assert {v.status for v in h2a.valid} == {"open", "closed"}

    lmia = parse_file(
        "lmia", real_file("canada_tfwp/tfwp_positive_lmia_employers_2024q4_noc2021.csv")
    )
    programs = Counter(v.program for v in lmia.valid)
    assert set(programs) == {"CA-TFWP-AG", "CA-TFWP-LOW", "CA-TFWP-HIGH"}
    quebec = [v for v in lmia.valid if v.raw["Province/Territory"] == "Quebec"]
    assert quebec and all(v.worksite_subdivision == "CA-QC" for v in quebec)
    assert all(v.native_code_system == "NOC2021" for v in lmia.valid)

    old = parse_file("lmia", real_file("canada_tfwp/tfwp_positive_lmia_employers_2020.csv"))
    assert Counter(v.native_code_system for v in old.valid) == {"NOC2011": len(old.valid)}
