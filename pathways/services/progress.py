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
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, delete, or_, text, tuple_
from sqlmodel import Session, func, select

from matching.forecast import Forecast
from pathways.db import utcnow
from pathways.models import Applicant, PathwayMilestone, Placement, Vacancy
from pathways.models.enums import DESTINATIONS, PROGRAM_CODES
from pathways.services import progress_cells as cells
from pathways.services.audit import Actor, record
from pathways.services.caps import COUNTING_STATUS
from pathways.services.caps import counting_status as counting_status
from pathways.settings import Settings

SEXES = ("F", "M", "X")


def today() -> date:
    """The day figures are computed for: today in UTC, the zone every timestamp is kept in."""
    return utcnow().date()


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
    day = at.astimezone(UTC).date() if at.tzinfo else at.date()
    returning = placement.program_code in (applicant.returning_programs or [])
    milestone = PathwayMilestone(
        placement_id=placement.id,
        applicant_id=applicant.id,  # type: ignore[arg-type]
        program_code=placement.program_code,
        destination=vacancy.worksite_country,
        nationality=applicant.nationality,
        sex=applicant.sex,
        residence_subdivision=applicant.residence_subdivision,
        returning_worker=returning,
        reached_on=day,
        month=cells.month_index(day),
        cell=cells.pack_cell(
            placement.program_code, applicant.nationality, applicant.sex, returning
        ),
        place=cells.pack_place(applicant.residence_subdivision, applicant.nationality),
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


def rebuild(session: Session, *, actor: Actor | None = None) -> int:
    """Recompute every milestone from ``placement_event`` in bulk; returns how many (commits).

    The snapshot columns are read from the applicants and vacancies as they are now (an
    erasure keeps nationality, sex, department and programs, so erased people still count).
    """
    session.exec(delete(PathwayMilestone))  # type: ignore[call-overload]
    dialect = session.get_bind().dialect.name
    rows = _reached_sql(dialect)
    # Every group a milestone can fall in, packed here (services/progress_cells.py) and joined
    # in: the programs placed, the nationalities and sexes registered, returning or not, and
    # the departments. A value the packing does not know stops the rebuild instead of
    # dropping its milestones.
    programs = session.execute(text("SELECT DISTINCT program_code FROM placement")).scalars()
    people = session.execute(text("SELECT DISTINCT nationality, sex FROM applicant")).all()
    groups = [(p, n, s, r) for p in programs.all() for n, s in people for r in (False, True)]
    places = session.execute(
        text("SELECT DISTINCT nationality, residence_subdivision FROM applicant")
    ).all()
    if groups:
        cell_values = ", ".join(
            f"({_literal(p)}, {_literal(n)}, {_literal(s)}, {'TRUE' if r else 'FALSE'}, "
            f"{cells.pack_cell(p, n, s, bool(r))})"
            for p, n, s, r in groups
        )
        place_values = ", ".join(
            f"({_literal(n)}, '{_literal(code)[1:-1] if code else ''}', "
            f"{cells.pack_place(code, n)})"
            for n, code in places
        )
        now = "now()" if dialect == "postgresql" else "strftime('%Y-%m-%d %H:%M:%S', 'now')"
        # The history is computed once (MATERIALIZED): joined as a subquery, PostgreSQL
        # re-evaluated its JSON test for every pair of placement and group (two minutes).
        session.execute(
            text(f"""
            WITH m AS MATERIALIZED ({rows}),
            cells (program_code, nationality, sex, returning_worker, cell) AS (
                VALUES {cell_values}),
            places (nationality, code, place) AS (VALUES {place_values})
            INSERT INTO pathway_milestone (placement_id, applicant_id, program_code,
                destination, nationality, sex, residence_subdivision, returning_worker,
                reached_on, previous_on, month, cell, place, noted_at)
            SELECT m.placement_id, m.applicant_id, m.program_code, m.destination,
                   m.nationality, m.sex, m.residence_subdivision, m.returning_worker,
                   m.reached_on,
                   LAG(m.reached_on) OVER (PARTITION BY m.applicant_id
                                           ORDER BY m.reached_on, m.placement_id),
                   m.month, c.cell, pl.place, {now}
            FROM m
            JOIN cells c ON c.program_code = m.program_code AND c.nationality = m.nationality
                AND c.sex = m.sex AND c.returning_worker = m.returning_worker
            JOIN places pl ON pl.nationality = m.nationality
                AND pl.code = COALESCE(m.residence_subdivision, '')""")
        )
    made = int(session.exec(select(func.count()).select_from(PathwayMilestone)).one())
    if actor is not None:
        record(session, actor, "progress.rebuild", "pathway_milestone", None, milestones=made)
    session.commit()
    return made


def _literal(value: str) -> str:
    """A code as an SQL literal; codes are letters, digits and dashes (anything else is
    refused rather than quoted)."""
    if not value.replace("-", "").isalnum() or not value.isascii():
        raise ValueError(f"unexpected code {value!r} in the placement history")
    return f"'{value}'"


def _reached_sql(dialect: str) -> str:
    """Each placement's first event at its program's counting state, with the snapshot."""
    if dialect == "postgresql":
        day = "(r.at AT TIME ZONE 'UTC')::date"
        month = (
            "(EXTRACT(YEAR FROM r.at AT TIME ZONE 'UTC') * 12"
            " + EXTRACT(MONTH FROM r.at AT TIME ZONE 'UTC') - 1)::int"
        )
        returning = "(a.returning_programs::jsonb @> jsonb_build_array(p.program_code))"
    else:
        day = "date(r.at)"
        month = (
            "CAST(strftime('%Y', r.at) AS INTEGER) * 12 + CAST(strftime('%m', r.at) AS INTEGER) - 1"
        )
        returning = (
            "EXISTS (SELECT 1 FROM json_each(a.returning_programs) j "
            "WHERE j.value = p.program_code)"
        )
    states = ", ".join(f"'{s}'" for s in sorted({"visa_issued", *COUNTING_STATUS.values()}))
    cases = " ".join(f"WHEN p.program_code = '{c}' THEN '{s}'" for c, s in COUNTING_STATUS.items())
    return f"""
        SELECT p.id AS placement_id, p.applicant_id, p.program_code,
               v.worksite_country AS destination, a.nationality, a.sex,
               a.residence_subdivision, {returning} AS returning_worker,
               {day} AS reached_on, {month} AS month
        FROM (SELECT e.placement_id, MIN(e.at) AS at
              FROM placement_event e JOIN placement p ON p.id = e.placement_id
              WHERE e.to_status IN ({states})
                AND e.to_status = CASE {cases} ELSE 'visa_issued' END
              GROUP BY e.placement_id) r
        JOIN placement p ON p.id = r.placement_id
        JOIN applicant a ON a.id = p.applicant_id
        JOIN vacancy v ON v.id = p.vacancy_id"""


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
    cube, places = _grouped(session, first_inside, (m.month, m.cell), m.place)
    month: Counter[str] = Counter()
    program: Counter[str] = Counter()
    destination: Counter[str] = Counter()
    origin: Counter[str] = Counter()
    sex: Counter[str] = Counter()
    returning = 0
    total = 0
    for index, cell, n in cube:
        prog, nat, sx, ret = cells.unpack_cell(int(cell))
        n = int(n)
        month[cells.month_label(int(index))] += n
        program[prog] += n
        destination[prog[:2]] += n  # a program code starts with its destination (API.md)
        origin[nat] += n
        sex[sx] += n
        returning += n if ret else 0
        total += n
    subdivision: Counter[str] = Counter({cells.unpack_place(int(p)): int(n) for p, n in places})
    return _fill(
        rule, last, month, program, destination, origin, sex, subdivision, returning, total
    )


def _grouped(
    session: Session, where: Any, dimensions: tuple[Any, ...], place: Any
) -> tuple[list[Any], list[Any]]:
    """Counts grouped by ``dimensions`` together, and by ``place`` alone.

    PostgreSQL does both in one scan (GROUPING SETS); elsewhere, two grouped queries.
    """
    if session.get_bind().dialect.name != "postgresql":
        cube = session.exec(select(*dimensions, func.count()).where(where).group_by(*dimensions))
        places = session.exec(select(place, func.count()).where(where).group_by(place))
        return list(cube.all()), list(places.all())
    rows = session.exec(
        select(*dimensions, place, func.count(), func.grouping(place))
        .where(where)
        .group_by(func.grouping_sets(tuple_(*dimensions), tuple_(place)))
    ).all()
    # GROUPING(place) is 1 on the rows of the first set, where place was summed over.
    cube = [(*row[: len(dimensions)], row[-2]) for row in rows if row[-1]]
    places = [(row[len(dimensions)], row[-2]) for row in rows if not row[-1]]
    return cube, places


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
        by_subdivision=dict(sorted(subdivision.items(), key=_place_order)),
        by_month={label: month.get(label, 0) for label in window_months(rule.start, last)}
        if last >= rule.start
        else {},
        new_vs_returning={"new": total - returning, "returning": returning},
    )  # fmt: skip


def _place_order(item: tuple[str, int]) -> tuple[str, bool, str]:
    """Departments by country; the country alone (people who gave none) last in it."""
    return item[0][:2], "-" not in item[0], item[0]


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
