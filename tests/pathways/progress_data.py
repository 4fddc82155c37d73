"""People, vacancies and placement histories for the progress tests (not a test module).

Histories go through the real ``placements.transition``, with the dates they happened on; only
the proposal is moved into the past first (a proposal is always made "now").
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from pathways.db import utcnow
from pathways.models import Applicant, Placement, PlacementEvent, Vacancy
from pathways.services import placements
from pathways.services.progress import today

STEPS = ("offered", "accepted", "authorized", "visa_issued", "arrived", "completed")
_serial = itertools.count(1)


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def noon(day: date) -> datetime:
    """Midday of ``day`` (or now, for today before midday: nothing is recorded in the future)."""
    return min(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), utcnow())


def person(
    session: Session,
    nationality: str = "GT",
    *,
    sex: str = "F",
    subdivision: str | None = "GT-QZ",
    returning: tuple[str, ...] = (),
) -> Applicant:
    row = Applicant(
        name=f"María Testperson {next(_serial)}",
        nationality=nationality,
        birth_date=date(1990, 5, 2),
        sex=sex,
        residence_country=nationality,
        residence_subdivision=subdivision,
        returning_programs=list(returning),
    )
    session.add(row)
    session.commit()
    return row


def job(session: Session, program: str = "US-H2A", *, positions: int = 50) -> Vacancy:
    row = Vacancy(
        program_code=program,
        title="Farmworker",
        positions=positions,
        worksite_country=program[:2],
        external_ref=f"T-{next(_serial)}",
    )
    session.add(row)
    session.commit()
    return row


def placed(
    session: Session,
    applicant: Applicant,
    vacancy: Vacancy,
    until: str,
    on: date,
    *,
    then: tuple[tuple[str, date], ...] = (),
) -> Placement:
    """A placement proposed 60 days before ``on`` and moved state by state to ``until`` on
    ``on`` (earlier states on the days before), then through ``then``."""
    assert applicant.id is not None and vacancy.id is not None
    row = placements.propose(session, applicant.id, vacancy.id, run_id=None, user=None)
    session.flush()
    proposed = noon(on - timedelta(days=60))
    row.status_at = proposed
    first = session.exec(select(PlacementEvent).where(PlacementEvent.placement_id == row.id)).one()
    first.at = proposed
    session.add_all([row, first])
    session.flush()  # a transition reloads the placement (row lock) before it moves it
    path = STEPS[: STEPS.index(until) + 1] if until in STEPS else (until,)
    for i, state in enumerate(path):
        day = on - timedelta(days=len(path) - 1 - i)
        placements.transition(session, row, state, at=noon(day), user=None, commit=False)
        session.flush()
    for state, day in then:
        placements.transition(session, row, state, at=noon(day), user=None, commit=False)
        session.flush()
    session.commit()
    return row


def settings_for(database_url: str, **target: Any) -> dict[str, Any]:
    from tests.conftest import test_settings

    return test_settings(database_url, **target)
