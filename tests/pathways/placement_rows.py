"""Rows the placement tests build directly: vacancies, people and program caps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from pathways.models import Applicant, Placement, PlacementEvent, Program, Vacancy
from pathways.services import programs, reference_versions

TODAY = date.today()


def vacancy(session: Session, program: str = "US-H2B", country: str = "US", **kw: Any) -> int:
    start = kw.pop("start_date", TODAY + timedelta(days=60))
    row = Vacancy(
        program_code=program,
        title=kw.pop("title", "Landscape laborer"),
        isco08="9214",
        positions=kw.pop("positions", 5),
        worksite_country=country,
        start_date=start,
        end_date=start + timedelta(days=180),
        **kw,
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def person(session: Session, nationality: str = "GT", **kw: Any) -> int:
    row = Applicant(
        name=kw.pop("name", "Ana López"),
        nationality=nationality,
        birth_date=date(1995, 3, 1),
        sex="F",
        residence_country=nationality,
        **kw,
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def _replace_caps(session: Session, code: str, caps: list[dict[str, Any]]) -> list[Any]:
    row = session.get(Program, code)
    assert row is not None
    before = list(row.definition.get("caps", []))
    row.definition = {**row.definition, "caps": caps}
    session.add(row)
    reference_versions.touch_version(session, "programs")
    session.commit()
    programs.get_catalog(session, max_age=0)  # this process sees it now, others within 30 s
    return before


@pytest.fixture
def set_caps(session: Session) -> Iterator[Callable[[str, list[dict[str, Any]]], None]]:
    """``set_caps("US-H2B", [...])`` replaces a program's caps (the data) for one test; the
    reference data is shared by the tests of a run, so they are put back afterwards."""
    changed: dict[str, list[Any]] = {}

    def replace(code: str, caps: list[dict[str, Any]]) -> None:
        before = _replace_caps(session, code, caps)
        changed.setdefault(code, before)

    yield replace
    session.rollback()
    for code, caps in changed.items():
        _replace_caps(session, code, caps)


def cap(cap_id: str, amount: int, **kw: Any) -> dict[str, Any]:
    return {
        "id": cap_id,
        "kind": kw.pop("kind", "supplemental"),
        "amount": amount,
        "source": "https://www.uscis.gov/",
        "certainty": "official",
        "label": {"es": cap_id, "en": cap_id, "fr": cap_id},
        **kw,
    }


def proposed_earlier(session: Session, pid: int, days: int) -> None:
    """As if the placement had been proposed ``days`` ago (history to record after it)."""
    placement = session.get(Placement, pid)
    when = placement.status_at - timedelta(days=days)
    placement.status_at = when
    for event in session.exec(select(PlacementEvent).where(PlacementEvent.placement_id == pid)):
        event.at = when
        session.add(event)
    session.add(placement)
    session.commit()
