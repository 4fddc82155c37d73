"""The demo's illustrative placement history: real state order, past dates, counted once."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from pathways.models import PathwayMilestone, Placement, PlacementEvent, Vacancy
from pathways.services import demo, occupations, placements
from pathways.services.progress import CountingRule, count_new_pathways, today


def seed(app, engine, *, history: bool):
    settings = app.extensions["pathways_settings"]
    with Session(engine) as session:
        return demo.seed_demo(session, applicants=1500, vacancies=30, seed=3,
                              data_dir=settings.data_dir,
                              resolver=occupations.get_resolver(session),
                              history=history)  # fmt: skip


def test_the_demo_history_follows_the_lifecycle_and_is_counted(app, engine) -> None:
    result = seed(app, engine, history=True)
    assert 40 <= result.placements_created <= 150  # about 6 % of the people
    now = datetime.now(UTC)
    with Session(engine) as session:
        events: dict[int, list[PlacementEvent]] = defaultdict(list)
        for e in session.exec(select(PlacementEvent).order_by(PlacementEvent.id)):
            events[e.placement_id].append(e)
        rows = session.exec(select(Placement)).all()
        assert len(rows) == result.placements_created
        for p in rows:
            path = events[p.id]
            states = [e.to_status for e in path]
            assert states[0] == "proposed"
            moves = [s for s in states if s != "withdrawn"]
            assert moves == list(placements.ORDER[: len(moves)]), states  # the real order
            assert states.count("withdrawn") <= 1 and "withdrawn" not in states[:-1]
            assert [e.at for e in path] == sorted(e.at for e in path) and path[-1].at <= now
            assert p.status == states[-1] and p.status_at == path[-1].at
            vacancy = session.get(Vacancy, p.vacancy_id)
            assert vacancy.status == "closed" and vacancy.external_ref.startswith("DEMO-H-")
            assert vacancy.program_code == p.program_code
        assert Counter(p.status for p in rows)["completed"] > 0
        # the milestones are those the transitions would have noted
        start = today().replace(day=1) - timedelta(days=366)
        counted = count_new_pathways(
            session, CountingRule(50_000, start, today(), ("GT", "SV", "HN")), today()
        )
        reached = {
            p.id for p in rows
            if {"visa_issued", "authorized"} & {e.to_status for e in events[p.id]}
            and any(e.to_status == ("authorized" if p.program_code == "MX-TVTF"
                                    else "visa_issued") for e in events[p.id])
        }  # fmt: skip
        milestones = session.exec(select(PathwayMilestone.placement_id)).all()
        assert set(milestones) == reached
        assert counted.counted == len({p.applicant_id for p in rows if p.id in reached})
        # visas in more than one month: a history, not a single day
        assert len([m for m, n in counted.by_month.items() if n]) >= 6
    again = seed(app, engine, history=True)
    assert again.placements_created == 0


def test_without_history_no_placement_is_made(app, engine) -> None:
    seed(app, engine, history=False)
    with Session(engine) as session:
        assert session.exec(select(Placement)).first() is None
