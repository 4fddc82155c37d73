"""Inline SVG charts: the geometry here, the markup in templates/progress/_burnup.html.

No script and no external asset: the chart is drawn by the server from the same figures as
the table printed under it (its fallback, and what screen readers read).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from pathways.services.progress_report import ProgressReport

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    month: str
    value: int


@dataclass(frozen=True)
class BurnupChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y_ticks: tuple[tuple[float, int], ...]
    x_ticks: tuple[tuple[float, date], ...]
    target: str  # polyline points, from the window's start to its end
    counted: tuple[Point, ...]
    counted_line: str
    forecast: tuple[Point, ...]
    forecast_line: str
    band: str  # polygon points: the interval of the cumulative forecast

    @property
    def baseline(self) -> int:
        return self.height - self.bottom


def _nice_step(top: float, ticks: int = 5) -> int:
    raw = max(top / ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return max(int(factor * power), 1)
    return int(10 * power)


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def burnup_chart(report: ProgressReport) -> BurnupChart:
    months = report.burnup
    n = max(len(months), 1)
    top_value = max(
        [report.rule.target] + [m.cumulative or 0 for m in months] + [m.high or 0 for m in months]
    )
    step = _nice_step(top_value)
    y_max = step * math.ceil(top_value / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    rule = report.rule
    days = (rule.end - rule.start).days + 1

    def at(day: date) -> float:  # the start of ``day``, on a scale of days like the target's
        return LEFT + plot_w * min(max((day - rule.start).days, 0), days) / days

    def month_start(i: int) -> date:
        label = months[i].month
        return date(int(label[:4]), int(label[5:]), 1)

    def month_end(i: int) -> date:  # the first day after month i
        first = month_start(i)
        return date(first.year + first.month // 12, first.month % 12 + 1, 1)

    def x(i: int) -> float:  # the end of month i (-1: the window's start)
        return LEFT if i < 0 else at(month_end(i))

    def x_counted(i: int) -> float:  # the end of month i, or today in the current month
        if month_start(i) <= report.as_of < month_end(i):
            return at(report.as_of + timedelta(days=1))
        return x(i)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / y_max)

    start = (x(-1), y(0))
    target = _points([start, *((x(i), y(m.target_line)) for i, m in enumerate(months))])
    counted = tuple(
        Point(x_counted(i), y(m.cumulative), m.month, m.cumulative)
        for i, m in enumerate(months)
        if m.cumulative is not None
    )
    counted_line = _points([start, *((p.x, p.y) for p in counted)]) if counted else ""
    seen = len(counted)
    projecting = report.as_of < rule.end
    ahead = [
        (i, m)
        for i, m in enumerate(months)
        if projecting and i >= seen - 1 and m.forecast is not None
    ]
    forecast = tuple(Point(x(i), y(m.forecast or 0), m.month, m.forecast or 0) for i, m in ahead)
    # The forecast starts where the count stands today.
    origin = [(counted[-1].x, counted[-1].y)] if counted else [start]
    forecast_line = _points(origin + [(p.x, p.y) for p in forecast]) if forecast else ""
    band = (
        _points(
            origin
            + [(x(i), y(m.high or 0)) for i, m in ahead]
            + [(x(i), y(m.low or 0)) for i, m in reversed(ahead)]
        )
        if ahead
        else ""
    )
    every = max(1, math.ceil(n / 8))
    x_ticks = tuple(
        (at(max(month_start(i), rule.start)), month_start(i)) for i in range(0, len(months), every)
    )
    y_ticks = tuple((y(v), v) for v in range(0, y_max + 1, step))
    return BurnupChart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, y_ticks, x_ticks, target,
                       counted, counted_line, forecast, forecast_line, band)  # fmt: skip
