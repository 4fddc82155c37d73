"""Read data/demo/ (what the synthetic demo data is drawn from)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class DemandGroup:
    """A group of real vacancies: what a demo vacancy drawn from it looks like."""

    program: str
    title: str
    title_lang: str
    code_system: str | None
    code: str | None
    subdivision: str
    start_month: int
    months: int
    wage_amount: float
    wage_currency: str
    wage_per: str
    positions: int
    weight: int


@cache
def demand_profile(data_dir: Path) -> tuple[DemandGroup, ...]:
    path = data_dir / "demo" / "demand_profile.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            DemandGroup(
                program=row["program"],
                title=row["title"],
                title_lang=row["title_lang"],
                code_system=row["code_system"] or None,
                code=row["code"] or None,
                subdivision=row["subdivision"],
                start_month=int(row["start_month"]),
                months=int(row["months"]),
                wage_amount=float(row["wage_amount"]),
                wage_currency=row["wage_currency"],
                wage_per=row["wage_per"],
                positions=int(row["positions"]),
                weight=int(row["weight"]),
            )
            for row in csv.DictReader(handle)
        )
