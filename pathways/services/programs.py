"""The program catalog as the engine sees it: built from the database, cached per process."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, func, select

from matching.eligibility import Cap, Program, program_from_dict
from pathways.models import Placement, PlacementEvent, ProgramRule
from pathways.models import Program as ProgramRow
from pathways.models.enums import PROGRAM_CODES
from pathways.services.cache import VersionedCache

# Catalog order of API.md.
PROGRAM_ORDER = PROGRAM_CODES
# Cap use counts visas issued (or, for the border card, authorizations).
CAP_COUNTING_STATUS = {"MX-TVTF": "authorized"}


def _order(code: str) -> tuple[int, str]:
    return (PROGRAM_ORDER.index(code) if code in PROGRAM_ORDER else len(PROGRAM_ORDER), code)


def program_definitions(session: Session) -> list[dict[str, Any]]:
    """Each program's file data with its rule versions from the database.

    A later version of a rule supersedes an earlier open-ended one from its effective date, so
    a ministry can add a version without editing the one before it (history stays intact).
    """
    rows = sorted(session.exec(select(ProgramRow)), key=lambda p: _order(p.code))
    rules_by_program: dict[str, list[ProgramRule]] = {}
    for rule in session.exec(select(ProgramRule).order_by(ProgramRule.id)):
        rules_by_program.setdefault(rule.program_code, []).append(rule)
    out = []
    for row in rows:
        versions = rules_by_program.get(row.code, [])
        starts: dict[str, list[date]] = {}
        for v in versions:
            starts.setdefault(v.rule_id, []).append(v.effective_from)
        rules = []
        for v in versions:
            later = [d for d in starts[v.rule_id] if d > v.effective_from]
            end = v.effective_to
            if later:
                cut = min(later) - timedelta(days=1)
                end = cut if end is None else min(end, cut)
            rule = dict(v.definition)
            rule["effective_from"] = v.effective_from.isoformat()
            if end is None:
                rule.pop("effective_to", None)
            else:
                rule["effective_to"] = end.isoformat()
            rules.append(rule)
        out.append({**row.definition, "rules": rules})
    return out


def _build_catalog(session: Session) -> list[Program]:
    return [program_from_dict(d) for d in program_definitions(session)]


_catalog: VersionedCache[list[Program]] = VersionedCache("programs", _build_catalog)


def get_catalog(session: Session, *, max_age: float = 30.0) -> list[Program]:
    return _catalog.get(session, max_age=max_age)


def cap_window(cap: Cap, on: date) -> tuple[date, date] | None:
    """The dates a cap counts over, for the US fiscal year containing `on` when it recurs."""
    if cap.start and cap.end:
        return cap.start, cap.end
    fiscal_year = cap.fiscal_year or (on.year + 1 if on.month >= 10 else on.year)
    if cap.month_days is None:
        return date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)
    (m1, d1), (m2, d2) = ([int(x) for x in md.split("-")] for md in cap.month_days)
    start = date(fiscal_year - 1 if m1 >= 10 else fiscal_year, m1, d1)
    end = date(fiscal_year - 1 if m2 >= 10 else fiscal_year, m2, d2)
    return start, end


def cap_use(session: Session, program: Program, cap: Cap, on: date) -> dict[str, Any]:
    """How much of a cap the placements tracked here have used (visas issued in its window)."""
    window = cap_window(cap, on)
    if window is None:
        return {"used": 0}
    start, end = window
    status = CAP_COUNTING_STATUS.get(program.code, "visa_issued")
    stmt = (
        select(func.count(func.distinct(PlacementEvent.placement_id)))
        .join(Placement, Placement.id == PlacementEvent.placement_id)
        .where(Placement.program_code == program.code, PlacementEvent.to_status == status)
    )
    from datetime import UTC, datetime

    stmt = stmt.where(
        PlacementEvent.at >= datetime(start.year, start.month, start.day, tzinfo=UTC),
        PlacementEvent.at < datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1),
    )
    used = int(session.exec(stmt).one())
    return {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "used": used,
        "remaining": max(cap.amount - used, 0),
    }


def catalog_view(session: Session, *, lang: str, as_of: date | None) -> list[dict[str, Any]]:
    today = date.today()
    out = []
    for program in get_catalog(session):
        item = program.to_dict(as_of=as_of, lang=lang)
        for cap_dict, cap in zip(item["caps"], program.caps, strict=True):
            cap_dict["use"] = cap_use(session, program, cap, as_of or today)
        out.append(item)
    return out
