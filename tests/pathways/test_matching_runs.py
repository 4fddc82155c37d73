"""Matching runs through the API and the worker: queued, run once, figures, matches with
explanations, publishing, bad input, failure and a killed worker."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from pathways import jobs
from pathways.models import Job, Match, MatchingRun, Placement
from pathways.services import matching_runs
from pathways.services.job_handlers import HANDLERS
from tests.pathways.conftest import seed_demo


@pytest.fixture
def seeded(app, engine):
    return seed_demo(app, engine, applicants=400, vacancies=60, seed=11)


def work(engine, settings) -> int:
    return jobs.run_worker(engine, HANDLERS, once=True, poll_seconds=0, settings=settings)


def test_a_run_is_queued_run_by_the_worker_and_reported(client, auth_header, engine, seeded):
    officer = auth_header("officer")
    response = client.post("/api/v1/matching/runs", json={}, headers=officer)
    assert response.status_code == 202
    run = response.get_json()
    assert run["status"] == "queued"
    assert work(engine, seeded) == 1
    done = client.get(f"/api/v1/matching/runs/{run['id']}", headers=officer).get_json()
    assert done["status"] == "done"
    stats = done["stats"]
    for key in (
        "applicants",
        "vacancies",
        "slots",
        "candidate_pairs",
        "matched",
        "upper_bound",
        "seconds",
    ):
        assert key in stats, key
    assert 0 < stats["matched"] <= stats["upper_bound"] <= stats["slots"]
    assert stats["greedy"] <= stats["matched"]
    # every empty slot and every applicant without an offer has a cause
    assert sum(stats["empty_slots"].values()) == stats["slots"] - stats["matched"]
    assert sum(stats["unmatched"].values()) == stats["applicants"] - stats["matched"]
    matches = client.get(
        f"/api/v1/matching/runs/{run['id']}/matches?per_page=5", headers=officer
    ).get_json()
    assert matches["total"] == stats["matched"] and len(matches["items"]) == 5
    first = matches["items"][0]
    assert {"applicant_id", "vacancy_id", "score", "explanation"} <= set(first)
    parts = first["explanation"]["components"]
    assert parts[0]["text"] and 0 <= first["score"] <= 1
    assert first["explanation"]["lang"] == "es"


def test_one_offer_per_person_across_all_programs(engine, seeded, client, auth_header):
    client.post("/api/v1/matching/runs", json={}, headers=auth_header("officer"))
    work(engine, seeded)
    with Session(engine) as session:
        rows = session.exec(select(Match)).all()
        people = [m.applicant_id for m in rows]
        assert len(people) == len(set(people))


def test_publishing_creates_proposed_placements_once(client, auth_header, engine, seeded):
    officer = auth_header("officer")
    run = client.post("/api/v1/matching/runs", json={}, headers=officer).get_json()
    work(engine, seeded)
    published = client.post(
        f"/api/v1/matching/runs/{run['id']}/publish", json={}, headers=officer
    ).get_json()
    with Session(engine) as session:
        placements = session.exec(select(Placement)).all()
        assert published["placements"] == len(placements) > 0
        assert {p.status for p in placements} == {"proposed"}
    again = client.post(
        f"/api/v1/matching/runs/{run['id']}/publish", json={}, headers=officer
    ).get_json()
    assert again["placements"] == 0
    # a second run offers nothing more to people with a placement under way
    second = client.post("/api/v1/matching/runs", json={}, headers=officer).get_json()
    work(engine, seeded)
    with Session(engine) as session:
        taken = {p.applicant_id for p in session.exec(select(Placement))}
        offered_again = session.exec(
            select(Match).where(Match.run_id == second["id"], Match.applicant_id.in_(taken))  # type: ignore[attr-defined]
        ).all()
        assert offered_again == []


def test_a_run_with_no_eligible_pairs_ends_done_with_zero_and_says_why(
    client, auth_header, engine, seeded
):
    officer = auth_header("officer")
    run = client.post(
        "/api/v1/matching/runs", json={"programs": ["CA-SAWP"]}, headers=officer
    ).get_json()
    work(engine, seeded)
    done = client.get(f"/api/v1/matching/runs/{run['id']}", headers=officer).get_json()
    assert done["status"] == "done" and done["stats"]["matched"] == 0
    causes = done["stats"]["empty_slots"]
    assert causes and set(causes) <= {"rules", "offer_rules"}  # nobody from GT/SV/HN may go


@pytest.mark.parametrize(
    "body",
    [
        {"programs": ["XX-NOPE"]},
        {"objective": "max_happiness"},
        {"min_score": 2},
        {"floors": {"by": "origin", "shares": {"SV": 1.5}}},
        {"floors": {"by": "planet", "shares": {"SV": 0.2}}},
    ],
)
def test_bad_run_requests_are_refused(client, auth_header, body, session) -> None:
    response = client.post("/api/v1/matching/runs", json=body, headers=auth_header("officer"))
    assert response.status_code == 422
    session.rollback()
    assert session.exec(select(MatchingRun)).first() is None


def test_only_officers_and_admins_run_matching(client, auth_header) -> None:
    assert client.post("/api/v1/matching/runs", json={}).status_code == 401
    for role, country in [("ministry", "US"), ("ministry", "GT"), ("applicant", None)]:
        response = client.post("/api/v1/matching/runs", json={}, headers=auth_header(role, country))
        assert response.status_code == 403
    assert (
        client.get("/api/v1/matching/runs/99999", headers=auth_header("admin")).status_code == 404
    )


def test_a_failing_run_is_marked_failed_and_writes_nothing(
    client, auth_header, engine, seeded, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(matching_runs, "run_round", boom)
    run = client.post("/api/v1/matching/runs", json={}, headers=auth_header("officer")).get_json()
    work(engine, seeded)
    with Session(engine) as session:
        row = session.get(MatchingRun, run["id"])
        assert row.status == "failed" and "solver exploded" in row.error
        assert session.exec(select(Match)).first() is None


def test_a_run_whose_worker_died_is_requeued_and_completes(client, auth_header, engine, seeded):
    """A worker killed mid-run leaves the job 'running' with an old heartbeat and the run
    without matches; the next worker re-queues it and runs it from the start."""
    from datetime import timedelta

    from sqlalchemy import update

    from pathways.db import utcnow

    run = client.post("/api/v1/matching/runs", json={}, headers=auth_header("officer")).get_json()
    with Session(engine) as session:
        job = session.exec(select(Job)).one()
        stale = utcnow() - jobs.STALE_AFTER - timedelta(minutes=1)
        session.exec(
            update(Job).where(Job.id == job.id).values(status="running", heartbeat_at=stale)  # type: ignore[call-overload]
        )
        session.exec(
            update(MatchingRun).where(MatchingRun.id == run["id"]).values(status="running")  # type: ignore[call-overload]
        )
        session.commit()
    assert work(engine, seeded) == 1
    with Session(engine) as session:
        assert session.get(MatchingRun, run["id"]).status == "done"
        matches = session.exec(select(Match).where(Match.run_id == run["id"])).all()
        assert len({m.applicant_id for m in matches}) == len(matches) > 0


def test_recorded_outcomes_score_the_next_run_once_there_are_enough(
    client, auth_header, engine, seeded, login_as
):
    """Weights until 200 placements have ended; then a calibrated model of completion scores
    the round, and the run reports its calibration on the page and in the API."""
    import numpy as np

    from matching.scoring import COMPONENTS
    from pathways.models import Applicant, Vacancy

    officer = auth_header("officer")
    first = client.post("/api/v1/matching/runs", json={}, headers=officer).get_json()
    work(engine, seeded)
    scoring = client.get(f"/api/v1/matching/runs/{first['id']}", headers=officer).get_json()[
        "stats"
    ]["scoring"]
    assert (scoring["method"], scoring["outcomes"]) == ("weights", 0)

    # 240 placements of that run ended: those whose match said "returning" completed.
    rng = np.random.default_rng(7)
    with Session(engine) as session:
        people = session.exec(select(Applicant.id)).all()
        jobs_ = session.exec(select(Vacancy)).all()
        for i in range(240):
            vacancy = jobs_[i % len(jobs_)]
            parts = {name: float(rng.random()) for name in COMPONENTS}
            placement = Placement(
                applicant_id=people[i % len(people)],
                vacancy_id=vacancy.id,
                program_code=vacancy.program_code,
                run_id=first["id"],
                status="completed" if parts["returning"] > 0.5 else "withdrawn",
            )
            session.add(placement)
            session.flush()
            session.add(
                Match(
                    run_id=first["id"],
                    applicant_id=placement.applicant_id,
                    vacancy_id=vacancy.id,
                    score=0.5,
                    explanation={"components": [{"name": n, "value": v} for n, v in parts.items()]},
                    placement_id=placement.id,
                )
            )
        session.commit()

    second = client.post("/api/v1/matching/runs", json={}, headers=officer).get_json()
    work(engine, seeded)
    stats = client.get(f"/api/v1/matching/runs/{second['id']}", headers=officer).get_json()["stats"]
    assert stats["scored_by"] == "outcomes"
    assert stats["scoring"]["method"] == "outcomes" and stats["scoring"]["outcomes"] == 240
    assert stats["scoring"]["brier"] < stats["scoring"]["baseline_brier"]
    with Session(engine) as session:
        explanations = session.exec(
            select(Match.explanation).where(Match.run_id == second["id"])
        ).all()
    assert explanations and all(e["scored_by"] == "outcomes" for e in explanations)
    login_as("officer")
    page = client.get(f"/matching/{second['id']}", headers={"Accept-Language": "es"})
    html = page.get_data(as_text=True)
    assert 'id="calibration"' in html and "240" in html
