"""Progress toward the target in one call: the counts, the burn-up series and the forecast.

The API, the officer dashboard (its chart, tables and CSV files) and the public page all read
:func:`progress_report`; none keeps a copy, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session

from matching.forecast import Forecast, forecast_progress, seasonal_profile
from pathways.reference.seasonality import monthly_issuances
from pathways.services.progress import (
    CountingRule,
    Counts,
    count_new_pathways,
    today,
    window_months,
)
from pathways.settings import Settings

#: Probability covered by the forecast interval.
LEVEL = 0.8


@dataclass(frozen=True)
class BurnupMonth:
    """One month of the burn-up chart. ``counted``/``cumulative`` are ``None`` for months
    not reached yet; ``forecast``/``low``/``high`` (cumulative) are ``None`` when nothing is
    projected; ``target_line`` is the target pro-rated to the month's last day in the window."""

    month: str
    counted: int | None
    cumulative: int | None
    target_line: int
    forecast: int | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class ProgressReport:
    rule: CountingRule
    as_of: date
    counts: Counts
    forecast: Forecast
    burnup: tuple[BurnupMonth, ...]

    @property
    def started(self) -> bool:
        return self.as_of >= self.rule.start

    @property
    def ahead_of_expected(self) -> int:
        """Counted minus the target pro-rated to date (negative: behind)."""
        return self.counts.counted - self.forecast.expected_to_date

    @property
    def share_of_target(self) -> float:
        return self.counts.counted / self.rule.target


@cache
def seasonal_prior(data_dir: Path, origins: tuple[str, ...]) -> tuple[float, ...] | None:
    """Each calendar month's share of a year's visas (US H-2 issuances to the origins), or
    ``None`` (a flat year) when the data folder has no such file."""
    try:
        series = monthly_issuances(data_dir, origins)
    except FileNotFoundError:
        return None
    return seasonal_profile(series)


def progress_report(
    session: Session,
    rule: CountingRule,
    *,
    as_of: date,
    prior: tuple[float, ...] | None,
) -> ProgressReport:
    """Everything the progress views show, as of ``as_of`` (a UTC day)."""
    counts = count_new_pathways(session, rule, as_of)
    forecast = forecast_progress(
        counts.by_month,
        window_start=rule.start,
        window_end=rule.end,
        target=rule.target,
        as_of=as_of,
        seasonal_prior=prior,
        level=LEVEL,
    )
    return ProgressReport(rule, as_of, counts, forecast, _burnup(rule, counts, forecast))


def current_report(session: Session, settings: Settings) -> ProgressReport:
    """The report for the settings' target, window and origins, as of today (UTC): what the
    API, the dashboard, its CSV files and the public page all show."""
    rule = CountingRule.from_settings(settings)
    return progress_report(
        session, rule, as_of=today(), prior=seasonal_prior(settings.data_dir, rule.origins)
    )


def _burnup(rule: CountingRule, counts: Counts, forecast: Forecast) -> tuple[BurnupMonth, ...]:
    days = (rule.end - rule.start).days + 1
    projected = {m.month: m for m in forecast.monthly}
    out = []
    cumulative = 0
    for label in window_months(rule.start, rule.end):
        year, month = int(label[:4]), int(label[5:])
        following = date(year + month // 12, month % 12 + 1, 1)
        elapsed = min((following - rule.start).days, days)
        counted = counts.by_month.get(label)
        if counted is not None:
            cumulative += counted
        p = projected.get(label)
        out.append(
            BurnupMonth(
                month=label,
                counted=counted,
                cumulative=cumulative if counted is not None else None,
                target_line=round(rule.target * elapsed / days),
                forecast=p.cumulative if p else None,
                low=p.cumulative_low if p else None,
                high=p.cumulative_high if p else None,
            )
        )
    return tuple(out)


def as_api(report: ProgressReport) -> dict[str, Any]:
    """The ``GET /api/v1/progress`` document (API.md keys first, then the extra ones)."""
    rule, counts, f = report.rule, report.counts, report.forecast
    backtest = f.backtest
    return {
        "target": rule.target,
        "window": {"start": rule.start.isoformat(), "end": rule.end.isoformat()},
        "definition": rule.definition(),
        "counted": counts.counted,
        "by_destination": counts.by_destination,
        "by_program": counts.by_program,
        "by_origin": counts.by_origin,
        "by_sex": counts.by_sex,
        "by_month": [{"month": m, "count": n} for m, n in counts.by_month.items()],
        "expected_to_date": f.expected_to_date,
        "forecast": {
            "end_of_window": f.end_of_window,
            "low": f.low,
            "high": f.high,
            "on_track": f.on_track,
            "gap": f.gap,
            "chance_of_target": None
            if f.chance_of_target is None
            else round(f.chance_of_target, 3),
            "level": f.level,
            "projected": bool(f.monthly) and report.as_of < rule.end,
            "method": f.method,
            "backtest": None
            if backtest is None
            else {
                "origins": backtest.origins,
                "horizon_months": backtest.horizon,
                "mape": None if backtest.mape is None else round(backtest.mape, 4),
                "bias": None if backtest.bias is None else round(backtest.bias, 4),
                "coverage": round(backtest.coverage, 4),
            },
            "by_month": [
                {
                    "month": m.month,
                    "cumulative": m.forecast,
                    "low": m.low,
                    "high": m.high,
                    "target_line": m.target_line,
                }
                for m in report.burnup
            ],
        },
        "as_of": report.as_of.isoformat(),
        "origins": list(rule.origins),
        "by_subdivision": counts.by_subdivision,
        "new_vs_returning": counts.new_vs_returning,
    }
