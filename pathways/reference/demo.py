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
    weight: int  # positions behind the group
    orders: int  # job orders behind the group (0 for the illustrative rows)

    @property
    def frequency(self) -> float:
        """How often a vacancy of this group is posted: its orders (for the illustrative rows,
        its positions over its usual size)."""
        return float(self.orders) if self.orders else self.weight / max(self.positions, 1)


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
                orders=int(row["orders"]),
            )
            for row in csv.DictReader(handle)
        )


@cache
def origin_shares(data_dir: Path, since: str = "2023-01") -> dict[str, float]:
    """Each origin country's share of US H-2 visas issued to GT, SV and HN since ``since``
    (data/seasonality: US Department of State monthly issuances)."""
    path = data_dir / "seasonality" / "us_h2_issuances_gt_sv_hn_monthly.csv"
    totals: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["month"] >= since:
                totals[row["origin"]] = totals.get(row["origin"], 0) + int(row["issuances"])
    grand = sum(totals.values())
    return {origin: n / grand for origin, n in sorted(totals.items())}


@cache
def spanish_titles(data_dir: Path) -> dict[str, tuple[str, ...]]:
    """ISCO-08 unit group → the Spanish job titles people use (the curated 'common' ones of
    data/occupations/titles.csv, else the official ones)."""
    common: dict[str, list[str]] = {}
    official: dict[str, list[str]] = {}
    with (data_dir / "occupations" / "titles.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["lang"] != "es" or len(row["isco08"]) != 4:
                continue
            target = common if row["kind"] == "common" else official
            target.setdefault(row["isco08"], []).append(row["title"])
    return {code: tuple(common.get(code) or official[code]) for code in {*common, *official}}
