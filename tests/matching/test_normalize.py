"""matching.normalize: wages to hourly, pay periods, USD conversion, ISO 3166-2 places."""

from __future__ import annotations

import ast
import doctest
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching import normalize
from matching.normalize import (
    PERIODS,
    FxRateMissing,
    FxTable,
    ca_province_to_iso,
    hourly_wage,
    hourly_wage_detail,
    mx_state_to_iso,
    normalize_period,
    to_usd,
    us_state_to_iso,
)

D = Decimal


def test_module_is_pure_stdlib() -> None:
    tree = ast.parse(Path(normalize.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_docstring_examples_run() -> None:
    result = doctest.testmod(normalize)
    assert result.failed == 0 and result.attempted > 10


@pytest.mark.parametrize(
    ("amount", "per", "hours", "expected"),
    [
        ("17.13", "hour", None, "17.13"),
        ("136", "day", "40", "17.00"),
        ("685.20", "week", "40", "17.13"),
        ("1370.40", "biweekly", "40", "17.13"),
        ("1727.75", "month", "40", "9.97"),
        ("35630.40", "year", "40", "17.13"),
        ("2000", "Month", "48", "9.62"),
        ("500", "semana", "50", "10.00"),
    ],
)
def test_hourly_wage_per_period(amount: str, per: str, hours: str | None, expected: str) -> None:
    result = hourly_wage(D(amount), per, hours_per_week=D(hours) if hours else None)
    assert result == D(expected)


def test_non_hourly_wage_without_hours_is_none_with_reason() -> None:
    detail = hourly_wage_detail(D("1727.75"), "month", hours_per_week=None)
    assert detail.amount is None and "hours per week" in detail.reason
    assert hourly_wage(D("500"), "week", hours_per_week=D(0)) is None


def test_piece_rate_has_no_hourly_unless_guaranteed_floor() -> None:
    assert hourly_wage(D("0.90"), "piece", hours_per_week=D(40)) is None
    assert "piece rate" in hourly_wage_detail(D("0.90"), "piece", hours_per_week=None).reason
    floor = hourly_wage(D("0.90"), "piece", hours_per_week=None, guaranteed_hourly=D("16.5"))
    assert floor == D("16.50")


def test_hourly_wage_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown pay period"):
        hourly_wage(D(10), "fortnightish", hours_per_week=D(40))
    with pytest.raises(ValueError, match="non-negative"):
        hourly_wage(D(-1), "hour", hours_per_week=None)


@given(
    hourly=st.decimals(min_value=D("1"), max_value=D("200"), places=2),
    hours=st.integers(min_value=10, max_value=80),
)
def test_weekly_and_yearly_round_trip_to_the_hourly_rate(hourly: Decimal, hours: int) -> None:
    weekly = hourly * hours
    assert hourly_wage(weekly, "week", hours_per_week=D(hours)) == hourly
    assert hourly_wage(weekly * 52, "year", hours_per_week=D(hours)) == hourly
    assert hourly_wage(weekly * 2, "biweekly", hours_per_week=D(hours)) == hourly


@given(
    amount=st.decimals(min_value=D("0"), max_value=D("100000"), places=2),
    per=st.sampled_from(PERIODS),
    hours=st.one_of(st.none(), st.integers(min_value=1, max_value=100).map(D)),
)
def test_hourly_wage_is_never_negative_and_never_raises(
    amount: Decimal, per: str, hours: Decimal | None
) -> None:
    result = hourly_wage(amount, per, hours_per_week=hours)
    assert result is None or result >= 0


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Hour", "hour"), ("hr", "hour"), ("/hr", "hour"), ("per hour", "hour"),
        ("por hora", "hour"), ("HOUR", "hour"), ("de l'heure", "hour"),
        ("Day", "day"), ("por día", "day"), ("Week", "week"), ("semanal", "week"),
        ("Bi-Weekly", "biweekly"), ("every two weeks", "biweekly"), ("catorcenal", "biweekly"),
        ("Month", "month"), ("mensual", "month"), ("por mes", "month"), ("mois", "month"),
        ("Year", "year"), ("annual", "year"), ("per annum", "year"), ("anual", "year"),
        ("Piece Rate", "piece"), ("a destajo", "piece"), ("à la pièce", "piece"),
        ("", None), (None, None), ("quincenal", None), ("semi-monthly", None), ("rate", None),
    ],
)  # fmt: skip
def test_normalize_period(label: str | None, expected: str | None) -> None:
    assert normalize_period(label) == expected


RATES = FxTable.from_records(
    [
        {"currency": "CAD", "as_of": "2024-01-01", "rate": "0.7300", "source": "BoC"},
        {"currency": "CAD", "as_of": "2025-01-01", "rate": "0.7150"},
        {"currency": "MXN", "as_of": date(2025, 1, 1), "rate": "0.0515"},
    ]
)


def test_to_usd_uses_latest_rate_on_or_before_the_date() -> None:
    assert to_usd(D("17.20"), "CAD", date(2024, 12, 31), RATES) == D("12.56")
    assert to_usd(D("17.20"), "CAD", date(2025, 1, 1), RATES) == D("12.30")
    assert to_usd(D("17.20"), "cad", date(2030, 1, 1), RATES) == D("12.30")
    assert to_usd(D("300"), "MXN", date(2025, 6, 1), RATES) == D("15.45")
    assert to_usd(D("17.13"), "USD", date(1999, 1, 1), RATES) == D("17.13")
    assert RATES.rate("CAD", date(2024, 6, 1)).source == "BoC"


def test_to_usd_refuses_to_guess() -> None:
    with pytest.raises(FxRateMissing, match="on or before"):
        to_usd(D(1), "CAD", date(2023, 12, 31), RATES)
    with pytest.raises(FxRateMissing, match="GTQ"):
        to_usd(D(1), "GTQ", date(2025, 1, 1), RATES)
    with pytest.raises(ValueError):
        FxTable.from_records([{"currency": "CAD", "as_of": "2024-01-01", "rate": "0"}])


def test_project_fx_table_loads_and_covers_the_currencies() -> None:
    import tomllib

    path = Path(__file__).resolve().parents[2] / "data" / "wages" / "fx_rates.toml"
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["rate"]
    assert all(r.get("source") and r.get("certainty") for r in rows)
    table = FxTable.from_records(rows)
    for code in ("CAD", "MXN", "GTQ", "HNL", "USD"):
        for year in (2024, 2025, 2026):
            assert table.rate(code, date(year, 7, 1)).rate > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("WA", "US-WA"), ("Washington", "US-WA"), ("NORTH DAKOTA", "US-ND"), ("dc", "US-DC"),
     ("District of Columbia", "US-DC"), ("PR", "US-PR"), ("Puerto Rico", "US-PR"),
     ("US-TX", "US-TX"), ("Guam", "US-GU"), ("Ontario", None), ("", None), (None, None)],
)  # fmt: skip
def test_us_state_to_iso(text: str | None, expected: str | None) -> None:
    assert us_state_to_iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ON", "CA-ON"), ("Ontario", "CA-ON"), ("Québec", "CA-QC"), ("Quebec", "CA-QC"),
     ("QUÉBEC", "CA-QC"), ("Colombie-Britannique", "CA-BC"), ("Newfoundland and Labrador", "CA-NL"),
     ("Île-du-Prince-Édouard", "CA-PE"), ("Yukon", "CA-YT"), ("Nunavut", "CA-NU"),
     ("Employers carrying on business in Canada with Head Office outside of Canada", None)],
)  # fmt: skip
def test_ca_province_to_iso(text: str, expected: str | None) -> None:
    assert ca_province_to_iso(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Chiapas", "MX-CHP"), ("CDMX", "MX-CMX"), ("Ciudad de México", "MX-CMX"),
     ("Distrito Federal", "MX-CMX"), ("Estado de México", "MX-MEX"), ("México", "MX-MEX"),
     ("Nuevo León", "MX-NLE"), ("Michoacán", "MX-MIC"), ("Veracruz", "MX-VER"),
     ("Yucatan", "MX-YUC"), ("Querétaro", "MX-QUE"), ("Texas", None)],
)  # fmt: skip
def test_mx_state_to_iso(text: str, expected: str | None) -> None:
    assert mx_state_to_iso(text) == expected


def test_subdivision_tables_are_complete() -> None:
    assert len(normalize.US_STATES) == 50 + 1 + 6
    assert len(normalize.CA_PROVINCES) == 13
    assert len(normalize.MX_STATES) == 32
    for code in normalize.US_STATES:
        assert us_state_to_iso(code) == f"US-{code}"
        assert us_state_to_iso(normalize.US_STATES[code]) == f"US-{code}"
    for code, name in normalize.MX_STATES.items():
        assert mx_state_to_iso(name) == f"MX-{code}"
