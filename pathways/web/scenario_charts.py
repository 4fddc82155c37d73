"""Geometry of the what-if bar chart (baseline beside scenario, one pair of bars per row),
drawn as inline SVG by ``templates/scenarios/_macros.html``; the table under it says the same
in numbers for screen readers and for anyone who prefers them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    baseline: int
    scenario: int
    y: float
    baseline_width: float
    scenario_width: float


@dataclass(frozen=True)
class PairedBars:
    width: int
    height: int
    plot_x: int
    bars: tuple[Bar, ...]


def paired_bars(
    rows: list[tuple[str, int, int]],
    *,
    width: int = 480,
    label_width: int = 110,
    number_room: int = 60,
    bar_height: int = 14,
    gap: int = 12,
    top: int = 28,
) -> PairedBars:
    """Rows of (label, baseline, scenario) scaled to the widest value.

    >>> chart = paired_bars([("US-H2A", 10, 15), ("CA-SAWP", 0, 5)])
    >>> [(b.label, b.baseline_width, b.scenario_width) for b in chart.bars]
    [('US-H2A', 206.7, 310.0), ('CA-SAWP', 0.0, 103.3)]
    """
    longest = max([1, *(max(b, s) for _label, b, s in rows)])
    room = width - label_width - number_room
    step = 2 * bar_height + gap
    bars = tuple(
        Bar(
            label=label,
            baseline=b,
            scenario=s,
            y=top + k * step,
            baseline_width=round(room * b / longest, 1),
            scenario_width=round(room * s / longest, 1),
        )
        for k, (label, b, s) in enumerate(rows)
    )
    return PairedBars(width=width, height=top + len(rows) * step, plot_x=label_width, bars=bars)
