"""The job kinds `pathways worker` runs, each with the service function that runs it and what
becomes of its subject when the worker running it dies."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pathways.jobs import JobHandler, LostHandler, recover_lost
from pathways.services import imports, matching_runs, scenarios

HANDLERS: dict[str, JobHandler] = {
    "vacancy_import": imports.run_queued_import,
    matching_runs.JOB_KIND: matching_runs.run_queued_matching,
    scenarios.JOB_KIND: scenarios.run_queued_scenario,
}
ON_LOST: dict[str, LostHandler] = {
    "vacancy_import": imports.on_job_lost,
    matching_runs.JOB_KIND: matching_runs.on_job_lost,
    scenarios.JOB_KIND: scenarios.on_job_lost,
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
