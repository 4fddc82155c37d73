"""Counted pathways toward the target (API.md: ``GET /api/v1/progress``).

The counting rule: a **new pathway** is a distinct person of a target origin nationality whose
placement reached ``visa_issued`` (``authorized`` for ``MX-TVTF``) on a date inside the
window; a person counts once however many placements they have, and a later ``withdrawn`` does
not uncount it. Target, window and origins are settings (``PATHWAYS_TARGET*``).

A person with several counted placements in the window is counted on the first one inside it
(earliest day, then lowest placement id): that placement's program, destination and month get
them. Their nationality, sex and department are those noted on that milestone.

Milestones (:class:`~pathways.models.PathwayMilestone`) are noted by
:func:`note_transition`, in the transaction of the transition itself, and
:func:`rebuild` recomputes them from ``placement_event`` in bulk. Progress is then two
grouped scans of that table on every call: nothing is cached, so the API, the dashboard, its
CSV files and the public page always agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, delete, or_, text
from sqlmodel import Session, func, select

from matching.forecast import Forecast
from pathways.db import utcnow
from pathways.models import Applicant, PathwayMilestone, Placement, Vacancy
from pathways.models.enums import DESTINATIONS, PROGRAM_CODES
from pathways.services.programs import CAP_COUNTING_STATUS
from pathways.settings import Settings

SEXES = ("F", "M", "X")
UNKNOWN = "unknown"  # the department of people registered without one


def today() -> date:
    """The day figures are computed for: today in UTC, the zone every timestamp is kept in."""
    return utcnow().date()


def counting_status(program_code: str) -> str:
    """The state at which a placement of the program becomes a pathway."""
    return CAP_COUNTING_STATUS.get(program_code, "visa_issued")


@dataclass(frozen=True)
class CountingRule:
    """Target, window (inclusive) and origin nationalities, as the settings say."""

    target: int
    start: date
    end: date
    origins: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> CountingRule:
        assert settings.target_start is not None and settings.target_end is not None
        return cls(settings.target, settings.target_start, settings.target_end, settings.origins)

    def definition(self) -> str:
        """The rule in plain English (the API's ``definition``; pages show it translated)."""
        return (
            f"A new pathway is a distinct person of {_joined(self.origins)} nationality whose "
            f"placement reached visa_issued (for MX-TVTF, authorized) on a date from "
            f"{self.start.isoformat()} to {self.end.isoformat()} inclusive. A person counts "
            f"once however many placements they have, on the first one inside the window; a "
            f"later withdrawal does not uncount a visa already issued. Target: {self.target} "
            f"new pathways by {self.end.isoformat()}."
        )


def _joined(codes: tuple[str, ...]) -> str:
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]


# ---------------------------------------------------------------------------------------------
# Writing milestones


def note_transition(
    session: Session, placement: Placement, to_status: str, at: datetime
) -> PathwayMilestone | None:
    """Note a milestone when ``placement`` reaches its counting state (no commit).

    Called by ``placements.transition`` right after it adds the event, so the milestone
    commits or rolls back with the transition. Any other state is ignored; withdrawing
    later removes nothing.
    """
    if to_status != counting_status(placement.program_code) or placement.id is None:
        return None
    noted = session.exec(
        select(PathwayMilestone).where(PathwayMilestone.placement_id == placement.id)
    ).first()
    if noted is not None:
        return noted
    # Locking the person serialises two transitions of their placements (PostgreSQL), so
    # both cannot believe they are the person's first milestone.
    applicant = session.get(Applicant, placement.applicant_id, with_for_update=True)
    vacancy = session.get(Vacancy, placement.vacancy_id)
    assert applicant is not None and vacancy is not None
    day = at.date()
    milestone = PathwayMilestone(
        placement_id=placement.id,
        applicant_id=applicant.id,  # type: ignore[arg-type]
        program_code=placement.program_code,
        destination=vacancy.worksite_country,
        nationality=applicant.nationality,
        sex=applicant.sex,
        residence_subdivision=applicant.residence_subdivision,
        returning_worker=placement.program_code in (applicant.returning_programs or []),
        reached_on=day,
        reached_month=day.strftime("%Y-%m"),
    )
    session.add(milestone)
    session.flush()
    _link_previous(session, milestone.applicant_id)
    return milestone


def _link_previous(session: Session, applicant_id: int) -> None:
    """Set ``previous_on`` along one person's milestones (a backdated one may come first)."""
    rows = session.exec(
        select(PathwayMilestone)
        .where(PathwayMilestone.applicant_id == applicant_id)
        .order_by(PathwayMilestone.reached_on, PathwayMilestone.placement_id)  # type: ignore[arg-type]
    ).all()
    previous: date | None = None
    for row in rows:
        if row.previous_on != previous:
            row.previous_on = previous
            session.add(row)
        previous = row.reached_on


def rebuild(session: Session) -> int:
    """Recompute every milestone from ``placement_event`` in bulk; returns how many (commits).

    The snapshot columns are read from the applicants and vacancies as they are now (an
    erasure keeps nationality, sex, department and programs, so erased people still count).
    """
    session.exec(delete(PathwayMilestone))  # type: ignore[call-overload]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        day = "(r.at AT TIME ZONE 'UTC')::date"
        month = "to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM')"
        returning = "(a.returning_programs::jsonb @> jsonb_build_array(p.program_code))"
        now = "now()"
    else:
        day = "date(r.at)"
        month = "strftime('%Y-%m', r.at)"
        returning = (
            "EXISTS (SELECT 1 FROM json_each(a.returning_programs) j "
            "WHERE j.value = p.program_code)"
        )
        now = "strftime('%Y-%m-%d %H:%M:%S', 'now')"
    states = ", ".join(f"'{s}'" for s in sorted({"visa_issued", *CAP_COUNTING_STATUS.values()}))
    cases = " ".join(
        f"WHEN p.program_code = '{c}' THEN '{s}'" for c, s in CAP_COUNTING_STATUS.items()
    )
    # The first event of each placement at its program's counting state.
    reached = f"""
        SELECT e.placement_id, MIN(e.at) AS at
        FROM placement_event e JOIN placement p ON p.id = e.placement_id
        WHERE e.to_status IN ({states}) AND e.to_status = CASE
            {cases} ELSE 'visa_issued' END
        GROUP BY e.placement_id"""
    rows = f"""
        SELECT p.id AS placement_id, p.applicant_id, p.program_code,
               v.worksite_country AS destination, a.nationality, a.sex,
               a.residence_subdivision, {returning} AS returning_worker,
               {day} AS reached_on, {month} AS reached_month
        FROM ({reached}) r
        JOIN placement p ON p.id = r.placement_id
        JOIN applicant a ON a.id = p.applicant_id
        JOIN vacancy v ON v.id = p.vacancy_id"""
    session.execute(
        text(f"""
        INSERT INTO pathway_milestone (placement_id, applicant_id, program_code, destination,
            nationality, sex, residence_subdivision, returning_worker, reached_on,
            reached_month, previous_on, noted_at)
        SELECT placement_id, applicant_id, program_code, destination, nationality, sex,
               residence_subdivision, returning_worker, reached_on, reached_month,
               LAG(reached_on) OVER (PARTITION BY applicant_id
                                     ORDER BY reached_on, placement_id), {now}
        FROM ({rows}) m""")
    )
    session.commit()
    return int(session.exec(select(func.count()).select_from(PathwayMilestone)).one())


# ---------------------------------------------------------------------------------------------
# Reading progress


@dataclass(frozen=True)
class Counts:
    """People counted in a window, grouped every way the dashboard shows them."""

    counted: int = 0
    by_destination: dict[str, int] = field(default_factory=dict)
    by_program: dict[str, int] = field(default_factory=dict)
    by_origin: dict[str, int] = field(default_factory=dict)
    by_sex: dict[str, int] = field(default_factory=dict)
    by_subdivision: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    new_vs_returning: dict[str, int] = field(default_factory=dict)


def count_new_pathways(session: Session, rule: CountingRule, as_of: date) -> Counts:
    """The counting rule applied to the milestones noted up to ``as_of``."""
    last = min(rule.end, as_of)
    m = PathwayMilestone
    if last < rule.start:
        empty: Counter[str] = Counter()
        return _fill(rule, last, empty, empty, empty, empty, empty, empty, 0, 0)
    first_inside = and_(
        m.reached_on >= rule.start,  # type: ignore[operator]
        m.reached_on <= last,  # type: ignore[operator]
        m.nationality.in_(rule.origins),  # type: ignore[attr-defined]
        or_(m.previous_on.is_(None), m.previous_on < rule.start),  # type: ignore[union-attr,operator]
    )
    dimensions = (m.reached_month, m.program_code, m.destination, m.nationality, m.sex,
                  m.returning_worker)  # fmt: skip
    cube = session.exec(
        select(*dimensions, func.count()).where(first_inside).group_by(*dimensions)
    ).all()
    places = session.exec(
        select(m.residence_subdivision, func.count())
        .where(first_inside)
        .group_by(m.residence_subdivision)
    ).all()
    month: Counter[str] = Counter()
    program: Counter[str] = Counter()
    destination: Counter[str] = Counter()
    origin: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    returning = 0
    total = 0
    for mo, prog, dest, nat, sx, ret, n in cube:
        n = int(n)
        month[mo] += n
        program[prog] += n
        destination[dest] += n
        origin[nat] += n
        sex[sx] += n
        returning += n if ret else 0
        total += n
    subdivision: Counter[str] = Counter({(code or UNKNOWN): int(n) for code, n in places})
    return _fill(
        rule, last, month, program, destination, origin, sex, subdivision, returning, total
    )


def _fill(
    rule: CountingRule,
    last: date,
    month: Counter[str],
    program: Counter[str],
    destination: Counter[str],
    origin: Counter[str],
    sex: Counter[str],
    subdivision: Counter[str],
    returning: int,
    total: int,
) -> Counts:
    """Every known category present (zeros included), in a stable order."""
    return Counts(
        counted=total,
        by_destination=_ordered(destination, DESTINATIONS),
        by_program=_ordered(program, PROGRAM_CODES),
        by_origin=_ordered(origin, rule.origins),
        by_sex=_ordered(sex, SEXES),
        by_subdivision=dict(sorted(subdivision.items(), key=lambda kv: (kv[0] == UNKNOWN, kv[0]))),
        by_month={label: month.get(label, 0) for label in window_months(rule.start, last)}
        if last >= rule.start
        else {},
        new_vs_returning={"new": total - returning, "returning": returning},
    )  # fmt: skip


def _ordered(counts: Counter[str], known: tuple[str, ...]) -> dict[str, int]:
    out = {key: counts.get(key, 0) for key in known}
    out.update({k: v for k, v in sorted(counts.items()) if k not in out})
    return out


def window_months(start: date, end: date) -> list[str]:
    """``"YYYY-MM"`` of every month the window touches."""
    index, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, last + 1)]


__all__ = [
    "Counts",
    "CountingRule",
    "Forecast",
    "count_new_pathways",
    "counting_status",
    "note_transition",
    "rebuild",
    "today",
    "window_months",
]
