"""Inline SVG charts: the geometry here, the markup in templates/progress/_burnup.html.

No script and no external asset: the chart is drawn by the server from the same figures as
the table printed under it (its fallback, and what screen readers read).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

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

    def x(i: int) -> float:  # the end of month i (-1: the window's start)
        return LEFT + plot_w * (i + 1) / n

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / y_max)

    start = (x(-1), y(0))
    target = _points([start, *((x(i), y(m.target_line)) for i, m in enumerate(months))])
    counted = tuple(
        Point(x(i), y(m.cumulative), m.month, m.cumulative)
        for i, m in enumerate(months)
        if m.cumulative is not None
    )
    counted_line = _points([start, *((p.x, p.y) for p in counted)]) if counted else ""
    seen = len(counted)
    projecting = report.as_of < report.rule.end
    ahead = [
        (i, m)
        for i, m in enumerate(months)
        if projecting and i >= seen - 1 and m.forecast is not None
    ]
    forecast = tuple(Point(x(i), y(m.forecast or 0), m.month, m.forecast or 0) for i, m in ahead)
    first = [(counted[-2].x, counted[-2].y)] if len(counted) > 1 else [start]
    forecast_line = _points(first + [(p.x, p.y) for p in forecast]) if forecast else ""
    band = (
        _points(
            first
            + [(x(i), y(m.high or 0)) for i, m in ahead]
            + [(x(i), y(m.low or 0)) for i, m in reversed(ahead)]
        )
        if ahead
        else ""
    )
    every = max(1, math.ceil(n / 8))
    x_ticks = tuple(
        (x(i - 1), date(int(m.month[:4]), int(m.month[5:]), 1))
        for i, m in enumerate(months)
        if i % every == 0
    )
    y_ticks = tuple((y(v), v) for v in range(0, y_max + 1, step))
    return BurnupChart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, y_ticks, x_ticks, target,
                       counted, counted_line, forecast, forecast_line, band)  # fmt: skip
