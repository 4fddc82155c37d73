"""matching.forecast: progress toward the new-pathways target, its projection and back-tests.

The scenarios are the questions an officer asks of the progress page; the real-data tests read
the State Department's monthly H-2 visa issuances from ``../shared/data`` (or the directory in
``PATHWAYS_SHARED_DATA``) and skip, saying so, when it is absent.
"""

from __future__ import annotations

import ast
import csv
import doctest
import os
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import forecast
from matching.forecast import backtest, forecast_progress, seasonal_profile

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("PATHWAYS_SHARED_DATA") or REPO.parent / "shared" / "data")
DOS_MONTHLY = SHARED / "visa_stats" / "dos_niv_monthly_issuances_h2a_h2b_by_nationality.csv"
SEASONALITY = REPO / "data" / "seasonality" / "us_h2_issuances_gt_sv_hn_monthly.csv"
ISO = {"Guatemala": "GT", "El Salvador": "SV", "Honduras": "HN"}

START, END, TARGET = date(2027, 1, 1), date(2028, 12, 31), 50_000
PACE = TARGET / 24  # 2,083.3 a month
# More visas in spring: the shape of Guatemalan H-2A issuances, rounded.
SPRING = (0.05, 0.07, 0.13, 0.27, 0.18, 0.09, 0.05, 0.03, 0.04, 0.04, 0.025, 0.025)


def months(first: str, n: int) -> list[str]:
    year, month = (int(p) for p in first.split("-"))
    out = []
    for i in range(n):
        index = year * 12 + month - 1 + i
        out.append(f"{index // 12}-{index % 12 + 1:02d}")
    return out


def month_end(label: str) -> date:
    year, month = (int(p) for p in label.split("-"))
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def progress(history: dict[str, int], as_of: date, **kw) -> forecast.Forecast:
    return forecast_progress(
        history, window_start=START, window_end=END, target=TARGET, as_of=as_of, **kw
    )


def steady(per_month: int, n: int) -> tuple[dict[str, int], date]:
    labels = months("2027-01", n)
    return {m: per_month for m in labels}, month_end(labels[-1])


def width(f: forecast.Forecast) -> float:
    """Interval width relative to what is still to come."""
    assert f.high is not None
    return (f.high - f.low) / (f.end_of_window - f.counted)


# ---------------------------------------------------------------------------------------------
# House rules


def test_module_imports_only_the_numeric_stack() -> None:
    tree = ast.parse(Path(forecast.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"__future__", "numpy", "scipy", "sklearn"}
    assert imported <= allowed, imported - allowed
    assert "os" not in imported and "open(" not in Path(forecast.__file__).read_text()


def test_docstring_examples_run() -> None:
    result = doctest.testmod(forecast)
    assert result.failed == 0 and result.attempted > 10


# ---------------------------------------------------------------------------------------------
# What an officer sees


def test_steady_pace_at_target_is_on_track_with_the_target_inside_the_interval() -> None:
    history, as_of = steady(2084, 12)  # 2,084 x 24 = 50,016
    f = progress(history, as_of)
    assert f.counted == 2084 * 12
    assert f.expected_to_date == round(TARGET * 365 / 731)
    assert f.on_track and f.gap <= 0
    assert f.end_of_window == pytest.approx(2084 * 24, rel=0.002)
    assert f.high is not None and f.low < TARGET < f.high
    assert 0.3 < (f.chance_of_target or 0) < 0.8  # right at the pace: a coin toss, roughly


def test_noisy_pace_above_target_is_on_track() -> None:
    rng = np.random.default_rng(7)
    labels = months("2027-01", 9)
    f = progress({m: int(rng.poisson(2250)) for m in labels}, month_end(labels[-1]))
    assert f.on_track and f.gap < 0
    assert f.high is not None and f.low < TARGET < f.high


def test_half_the_pace_is_not_on_track_and_the_gap_is_about_half() -> None:
    history, as_of = steady(1042, 12)
    f = progress(history, as_of)
    assert not f.on_track
    assert f.gap == pytest.approx(TARGET / 2, rel=0.05)
    assert f.high is not None and f.high < TARGET  # even the optimistic end falls short
    assert f.chance_of_target is not None and f.chance_of_target < 0.05
    assert f.expected_to_date - f.counted == pytest.approx(TARGET / 4, rel=0.01)


def test_a_ramp_up_is_followed_but_not_extrapolated_for_two_years() -> None:
    history = {m: 600 * (i + 1) for i, m in enumerate(months("2027-01", 6))}  # 600 .. 3,600
    f = progress(history, date(2027, 6, 30))
    at_mean_pace = f.counted + 18 * f.counted / 6  # 50,400
    at_last_pace = f.counted + 18 * 3600  # 77,400
    assert at_mean_pace < f.end_of_window < at_last_pace
    assert f.on_track and f.high is not None and f.high > at_last_pace
    assert "trend (+" in f.method  # the growth it found is stated


def test_seasonal_prior_shapes_the_projection_month_by_month() -> None:
    prior = np.array(SPRING) / sum(SPRING)
    # Three months that follow the prior exactly, at 30,000 a year.
    history = {m: round(30_000 * prior[i]) for i, m in enumerate(months("2027-01", 3))}
    f = progress(history, date(2027, 3, 31), seasonal_prior=SPRING)
    by_month = {m.month: m for m in f.monthly}
    april, august = by_month["2027-04"].expected, by_month["2027-08"].expected
    assert april / august == pytest.approx(prior[3] / prior[7], rel=0.05)
    assert april == pytest.approx(30_000 * prior[3], rel=0.1)
    assert by_month["2028-04"].expected > by_month["2028-03"].expected
    # Without the prior the same three months say nothing about spring.
    flat = {m.month: m.expected for m in progress(history, date(2027, 3, 31)).monthly}
    assert flat["2027-04"] == pytest.approx(flat["2027-08"], rel=0.05)
    assert "seasonal prior" in f.method


def test_intervals_widen_with_fewer_months() -> None:
    widths = [width(progress(*steady(2100, n))) for n in (1, 3, 6, 12)]
    assert widths == sorted(widths, reverse=True), widths
    assert widths[0] > 1.5 * widths[-1]


def test_no_history_yet_is_an_honest_answer() -> None:
    f = progress({}, date(2026, 12, 15))
    assert (f.counted, f.expected_to_date, f.end_of_window, f.low) == (0, 0, 0, 0)
    assert f.high is None and f.chance_of_target is None and f.backtest is None
    assert not f.on_track and f.gap == TARGET and f.monthly == ()
    assert "Nothing projected" in f.method


def test_a_month_with_no_pathways_is_not_certainty_of_none() -> None:
    f = progress({}, date(2027, 1, 31))
    assert f.counted == 0 and not f.on_track
    assert f.high is not None and f.high > f.end_of_window >= 0


def test_current_partial_month_counts_for_the_days_observed() -> None:
    history, _ = steady(2000, 5)
    full = progress(history, date(2027, 5, 31))
    partial = progress({**history, "2027-06": 1000}, date(2027, 6, 15))
    june = next(m for m in partial.monthly if m.month == "2027-06")
    assert june.observed == 1000
    assert june.expected == pytest.approx(2000, rel=0.05)
    assert partial.end_of_window == pytest.approx(full.end_of_window, rel=0.03)
    assert partial.expected_to_date == round(TARGET * (31 + 28 + 31 + 30 + 31 + 15) / 731)


def test_window_starting_mid_month_prorates_its_first_month() -> None:
    f = forecast_progress(
        {"2027-01": 1000, "2027-02": 2000},
        window_start=date(2027, 1, 17),  # 15 of January's 31 days
        window_end=date(2029, 1, 16),
        target=TARGET,
        as_of=date(2027, 2, 28),
    )
    assert f.monthly[0].month == "2027-01" and f.monthly[-1].month == "2029-01"
    assert f.monthly[2].expected == pytest.approx(2000 * 31 / 28, rel=0.1)  # per day as observed


def test_closed_window_reports_the_final_count() -> None:
    history, _ = steady(2200, 24)
    f = progress(history, date(2029, 3, 1))
    assert f.end_of_window == f.low == f.high == f.counted == 2200 * 24
    assert f.on_track and f.expected_to_date == TARGET and f.chance_of_target == 1.0


def test_backtest_is_reported_once_six_months_are_complete() -> None:
    assert progress(*steady(2100, 5)).backtest is None
    b = progress(*steady(2100, 10)).backtest
    assert b is not None and b.horizon == 3 and b.origins == 5
    assert b.mape is not None and b.mape < 0.01 and b.coverage == 1.0


@pytest.mark.parametrize(
    ("history", "as_of", "message"),
    [
        ({"2026-12": 5}, date(2027, 3, 1), "outside the window"),
        ({"2027-05": 5}, date(2027, 3, 1), "outside the window"),
        ({"2027-01": -1}, date(2027, 3, 1), "whole number"),
        ({"2027-01": 1.5}, date(2027, 3, 1), "whole number"),
        ({"January": 5}, date(2027, 3, 1), "YYYY-MM"),
        ({"2027-1": 5}, date(2027, 3, 1), "YYYY-MM"),
    ],
)
def test_bad_history_is_refused_with_the_reason(history, as_of, message) -> None:
    with pytest.raises(ValueError, match=message):
        progress(history, as_of)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="level"):
        progress({}, date(2027, 3, 1), level=1.2)
    with pytest.raises(ValueError, match="12 positive shares"):
        progress({}, date(2027, 3, 1), seasonal_prior=[1.0] * 11)
    with pytest.raises(ValueError, match="12 positive shares"):
        progress({}, date(2027, 3, 1), seasonal_prior=[0.0] + [1.0] * 11)


def test_dates_and_strings_name_the_same_month() -> None:
    a = progress({"2027-01": 900, "2027-02": 1100}, date(2027, 2, 28))
    b = progress({date(2027, 1, 5): 900, date(2027, 2, 1): 1100}, date(2027, 2, 28))
    assert a == b


# ---------------------------------------------------------------------------------------------
# Invariants


@st.composite
def situations(draw: st.DrawFn) -> tuple[dict[str, int], date, tuple[float, ...] | None, float]:
    as_of = START + timedelta(days=draw(st.integers(-40, 760)))
    labels = [m for m in months("2027-01", 24) if date.fromisoformat(m + "-01") <= as_of]
    counts = st.integers(0, 6000) | st.integers(0, 5)
    history = {m: draw(counts) for m in labels if draw(st.booleans()) or draw(st.booleans())}
    prior = draw(st.none() | st.just(SPRING))
    level = draw(st.sampled_from([0.5, 0.8, 0.95]))
    return history, as_of, prior, level


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_invariants(situation) -> None:
    history, as_of, prior, level = situation
    f = progress(history, as_of, seasonal_prior=prior, level=level)
    assert f.counted == sum(history.values())
    assert f.counted <= f.low <= f.end_of_window
    assert f.high is None or f.end_of_window <= f.high
    assert f.on_track == (f.end_of_window >= TARGET) and f.gap == TARGET - f.end_of_window
    assert 0 <= f.expected_to_date <= TARGET
    if f.monthly:
        assert f.monthly[-1].cumulative == f.end_of_window
        assert (f.monthly[-1].cumulative_low, f.monthly[-1].cumulative_high) == (f.low, f.high)
    previous = (0, 0, 0)
    for m in f.monthly:
        assert 0 <= m.low <= m.high and m.expected >= 0 and m.low <= m.expected <= m.high
        assert m.cumulative_low <= m.cumulative <= m.cumulative_high
        now = (m.cumulative_low, m.cumulative, m.cumulative_high)
        assert all(b >= a for a, b in zip(previous, now, strict=True)), (previous, now)
        previous = now
        if m.observed is not None:
            assert m.observed == history.get(m.month, 0) and m.expected >= m.observed


# ---------------------------------------------------------------------------------------------
# Back-testing and seasonal profiles


def test_backtest_of_a_steady_series_is_accurate_and_covered() -> None:
    rng = np.random.default_rng(3)
    counts = {m: int(rng.poisson(800)) for m in months("2020-01", 30)}
    b = backtest(counts, horizon=6, min_train=6)
    assert b is not None and b.origins == 19 and b.horizon == 6
    assert b.mape is not None and b.mape < 0.05 and b.coverage >= 0.9


def test_backtest_needs_consecutive_months_and_enough_of_them() -> None:
    assert backtest({m: 10 for m in months("2020-01", 12)}, horizon=6, min_train=7) is None
    with pytest.raises(ValueError, match="2020-03"):
        backtest({"2020-01": 1, "2020-02": 1, "2020-04": 1})


def test_seasonal_profile_recovers_shares_despite_growth_and_gaps() -> None:
    shares = np.array(SPRING) / sum(SPRING)
    counts = {
        m: round(10_000 * (1.3**year) * shares[i % 12])
        for year in range(4)
        for i, m in enumerate(months(f"{2018 + year}-01", 12))
    }
    del counts["2019-05"]
    profile = seasonal_profile(counts)
    assert sum(profile) == pytest.approx(1.0)
    assert profile == pytest.approx(tuple(shares), abs=0.002)


def test_seasonal_profile_needs_every_calendar_month() -> None:
    with pytest.raises(ValueError, match="December"):
        seasonal_profile({m: 5 for m in months("2020-01", 11)})


# ---------------------------------------------------------------------------------------------
# Real data: State Department monthly H-2A/H-2B issuances to Guatemalans, Salvadorans, Hondurans


def dos_series(nationality: str, visa_class: str) -> dict[str, int]:
    if not DOS_MONTHLY.exists():
        pytest.skip(
            f"State Department monthly issuance file not found ({DOS_MONTHLY}); set "
            "PATHWAYS_SHARED_DATA to the shared/data directory to run the real-data back-test"
        )
    with DOS_MONTHLY.open(newline="", encoding="utf-8") as handle:
        return {
            row["month"]: int(row["issuances"])
            for row in csv.DictReader(handle)
            if row["nationality"] == nationality and row["visa_class"] == visa_class
        }


def forecast_2023(series: dict[str, int]) -> tuple[int, int, int, int]:
    """Train 2019-06..2022-12 (the file has no 2019-05), forecast the 2023 calendar year."""
    train = {m: v for m, v in series.items() if "2019-06" <= m <= "2022-12"}
    prior = seasonal_profile({m: v for m, v in series.items() if m <= "2022-12"})
    f = forecast_progress(
        train,
        window_start=date(2019, 6, 1),
        window_end=date(2023, 12, 31),
        target=1,
        as_of=date(2022, 12, 31),
        seasonal_prior=prior,
    )
    assert f.high is not None
    actual = sum(v for m, v in series.items() if m.startswith("2023-"))
    return f.end_of_window - f.counted, f.low - f.counted, f.high - f.counted, actual


def test_real_guatemala_h2a_2023_total_from_history_through_2022() -> None:
    central, low, high, actual = forecast_2023(dos_series("Guatemala", "H2A"))
    assert actual == 3600
    # Measured: central 3,441 (-4.4 %), 80 % interval 2,226..5,334.
    assert abs(central - actual) / actual < 0.10
    assert low <= actual <= high


def test_real_series_2023_totals_mostly_fall_inside_their_intervals() -> None:
    covered = []
    for nationality in ISO:
        for visa_class in ("H2A", "H2B"):
            central, low, high, actual = forecast_2023(dos_series(nationality, visa_class))
            covered.append(low <= actual <= high)
            assert abs(central - actual) / actual < 0.35, (nationality, visa_class, central)
    assert sum(covered) >= 5, covered  # 80 % intervals; measured: all six covered


def test_real_guatemala_h2a_rolling_backtest() -> None:
    series = dos_series("Guatemala", "H2A")
    counts = {m: v for m, v in series.items() if m >= "2019-06"}
    prior = seasonal_profile({m: v for m, v in series.items() if m <= "2022-12"})
    b = backtest(counts, horizon=12, min_train=24, seasonal_prior=prior, step=3)
    assert b is not None and b.origins == 13
    # Measured: mean absolute error 9.2 % (all 13 under-forecasts, bias -8.8 %: issuances
    # grew), every interval covering. The prior holds 2017-2022 seasonality only; origins
    # before 2022 thus know a little of their future's seasonal shape, not its level.
    assert b.mape is not None and b.mape < 0.15 and b.coverage >= 0.8


# ---------------------------------------------------------------------------------------------
# The committed reference table


def test_committed_seasonality_table_matches_the_state_department_file() -> None:
    if not DOS_MONTHLY.exists():
        pytest.skip(f"State Department monthly issuance file not found ({DOS_MONTHLY})")
    with DOS_MONTHLY.open(newline="", encoding="utf-8") as handle:
        source = {
            (r["month"], ISO[r["nationality"]], r["visa_class"], int(r["issuances"]))
            for r in csv.DictReader(handle)
            if r["nationality"] in ISO
        }
    with SEASONALITY.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["month", "origin", "visa_class", "issuances"]
        committed = [
            (r["month"], r["origin"], r["visa_class"], int(r["issuances"])) for r in reader
        ]
    assert len(committed) == len(set(committed)) and set(committed) == source


def test_committed_seasonality_table_is_documented() -> None:
    readme = (SEASONALITY.parent / "README.md").read_text(encoding="utf-8")
    for needed in (
        "https://travel.state.gov/content/travel/en/legal/visa-law0/visa-statistics/"
        "nonimmigrant-visa-statistics/monthly-nonimmigrant-visa-issuances.html",
        "2019-05",
        "public domain",
        "2017-03",
        "2025-05",
    ):
        assert needed in readme, needed
    with SEASONALITY.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["origin"] for r in rows} == {"GT", "SV", "HN"}
    assert {r["visa_class"] for r in rows} == {"H2A", "H2B"}
    assert "2019-05" not in {r["month"] for r in rows}
    profile = seasonal_profile(
        {
            r["month"]: int(r["issuances"])
            for r in rows
            if r["origin"] == "GT" and r["visa_class"] == "H2A"
        }
    )
    assert max(range(12), key=profile.__getitem__) == 3  # April: the H-2A spring peak
