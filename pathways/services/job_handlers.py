"""The job kinds `pathways worker` runs, each with the service function that runs it and what
becomes of its subject when the worker running it dies."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pathways.db import utcnow
from pathways.jobs import JobHandler, LostHandler, recover_lost
from pathways.models import Job, MatchingRun, Scenario
from pathways.services import imports, matching_runs, scenarios

HANDLERS: dict[str, JobHandler] = {
    "vacancy_import": imports.run_queued_import,
    matching_runs.JOB_KIND: matching_runs.run_queued_matching,
    scenarios.JOB_KIND: scenarios.run_queued_scenario,
}


def _round_lost(model: Any, key: str) -> LostHandler:
    """For a matching run or a scenario (a status, a stage, a progress): nothing of the round
    was committed; it waits for the next worker, or fails once the job has used its tries."""

    def on_lost(session: Session, job: Job, retry: bool) -> None:
        subject = session.get(model, job.payload.get(key))
        if subject is None or subject.status not in ("queued", "running"):
            return
        if retry:
            subject.status, subject.stage, subject.progress = "queued", "queued", 0.0
        else:
            subject.status, subject.stage, subject.finished_at = "failed", "failed", utcnow()
            subject.error = job.error
        session.add(subject)

    return on_lost


ON_LOST: dict[str, LostHandler] = {
    "vacancy_import": imports.on_job_lost,
    matching_runs.JOB_KIND: _round_lost(MatchingRun, "run_id"),
    scenarios.JOB_KIND: _round_lost(Scenario, "scenario_id"),
}


def recover_interrupted(engine: Engine) -> dict[str, int]:
    """After a crash (kill -9 of a worker, a web process or gunicorn): jobs whose worker died
    are queued again or failed, with their runs and imports, and imports that ran inside a
    dead request are marked failed. Run when a worker or the web service starts."""
    lost_jobs = recover_lost(engine, ON_LOST)
    with Session(engine) as session:
        lost_imports = imports.fail_interrupted(session)
        session.commit()
    return {"jobs": lost_jobs, "imports": lost_imports}
