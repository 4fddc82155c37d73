"""Why slots stay empty: the latest finished matching run's unfilled slots and unmatched
applicants, attributed to their causes (the coordination view of issue 9).

A run stores, with its figures, the slots of each program, the slots it filled, the empty
ones by cause and the applicants left without an offer by nationality and cause
(``matching_runs._breakdowns``; the causes are those of ``matching.rounds.run_round``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from pathways.models import MatchingRun
from pathways.models.enums import DESTINATIONS, PROGRAM_CODES

#: Why a slot stays empty, in the order the round's filters apply, then the two that come
#: after them (see matching.rounds.run_round).
SLOT_CAUSES = (
    "offer_rules", "rules", "occupation", "destination", "dates", "requirements", "cap",
    "supply",
)  # fmt: skip
#: Why an applicant has no offer.
APPLICANT_CAUSES = ("rules", "occupation", "destination", "dates", "requirements", "competition")


@dataclass(frozen=True)
class GapRow:
    """Slots of a program (or a destination country) or applicants of an origin country."""

    code: str
    total: int  # slots offered, or applicants in the round
    filled: int  # slots filled, or applicants matched
    causes: dict[str, int]  # every cause of its kind, zeros included

    @property
    def left(self) -> int:
        return sum(self.causes.values())


@dataclass(frozen=True)
class Reason:
    where: str  # a program code or an origin country
    cause: str
    count: int
    kind: str  # "slots" or "applicants"


@dataclass(frozen=True)
class GapReport:
    run_id: int
    finished_at: datetime | None
    programs: tuple[GapRow, ...]
    destinations: tuple[GapRow, ...]
    origins: tuple[GapRow, ...]

    @property
    def empty_slots(self) -> int:
        return sum(r.left for r in self.programs)

    @property
    def unmatched(self) -> int:
        return sum(r.left for r in self.origins)

    def largest(self, kind: str, n: int = 5) -> list[Reason]:
        """The biggest single reasons for empty ``slots`` or ``applicants`` without an offer:
        where to act first."""
        rows = self.programs if kind == "slots" else self.origins
        reasons = [
            Reason(r.code, cause, count, kind)
            for r in rows
            for cause, count in r.causes.items()
            if count
        ]
        return sorted(reasons, key=lambda r: -r.count)[:n]


def latest_done_run(session: Session) -> MatchingRun | None:
    return session.exec(
        select(MatchingRun).where(MatchingRun.status == "done").order_by(MatchingRun.id.desc())  # type: ignore[union-attr]
    ).first()


def gap_report(session: Session) -> GapReport | None:
    """The latest finished run's gap, or None when no run has finished."""
    run = latest_done_run(session)
    if run is None or run.id is None:
        return None
    return gap_from_stats(run.id, run.finished_at, run.stats or {})


def gap_from_stats(run_id: int, finished_at: datetime | None, stats: dict[str, Any]) -> GapReport:
    slots = stats.get("slots_by_program") or {}
    filled = stats.get("by_program") or {}
    empty = stats.get("empty_by_program") or {}
    codes = [c for c in PROGRAM_CODES if c in slots or c in empty] + sorted(
        set(slots) - set(PROGRAM_CODES)
    )
    programs = tuple(
        GapRow(
            code,
            int(slots.get(code, 0)),
            int(filled.get(code, 0)),
            _causes(empty.get(code) or {}, SLOT_CAUSES),
        )
        for code in codes
    )
    destinations = tuple(
        GapRow(
            country,
            sum(r.total for r in programs if r.code[:2] == country),
            sum(r.filled for r in programs if r.code[:2] == country),
            {
                cause: sum(r.causes[cause] for r in programs if r.code[:2] == country)
                for cause in SLOT_CAUSES
            },
        )
        for country in DESTINATIONS
        if any(r.code[:2] == country for r in programs)
    )
    placed = stats.get("by_origin") or {}
    unmatched = stats.get("unmatched_by_origin") or {}
    origins = tuple(
        GapRow(
            origin,
            int(placed.get(origin, 0)) + sum((unmatched.get(origin) or {}).values()),
            int(placed.get(origin, 0)),
            _causes(unmatched.get(origin) or {}, APPLICANT_CAUSES),
        )
        for origin in sorted(set(placed) | set(unmatched))
    )
    return GapReport(run_id, finished_at, programs, destinations, origins)


def _causes(found: dict[str, int], known: tuple[str, ...]) -> dict[str, int]:
    out = {cause: int(found.get(cause, 0)) for cause in known}
    out.update({k: int(v) for k, v in found.items() if k not in out})  # a cause added later
    return out
