"""Any number of workers claim jobs safely: each job runs exactly once."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from pathways import jobs
from pathways.models import Job


def test_concurrent_claims_never_share_a_job(engine) -> None:
    with Session(engine) as session:
        for i in range(60):
            jobs.enqueue(session, "noop", {"i": i})
        session.commit()
    claimed: list[int] = []
    lock = threading.Lock()

    def claimer(name: str) -> None:
        while True:
            job_id = jobs.claim_next(engine, name)
            if job_id is None:
                return
            with lock:
                claimed.append(job_id)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == 60
    assert len(set(claimed)) == 60
    with Session(engine) as session:
        statuses = {j.status for j in session.exec(select(Job))}
        assert statuses == {"running"}


def test_worker_runs_jobs_and_records_failures(engine) -> None:
    seen = []

    def ok(session, job, progress, settings):
        progress(1, 1)
        seen.append(job.payload["n"])

    def boom(session, job, progress, settings):
        raise ValueError("bad payload")

    handlers = {"test-ok": ok, "test-boom": boom}
    with Session(engine) as session:
        jobs.enqueue(session, "test-ok", {"n": 1})
        jobs.enqueue(session, "test-boom", {})
        jobs.enqueue(session, "test-ok", {"n": 2})
        jobs.enqueue(session, "unknown-kind", {})
        session.commit()
    processed = jobs.run_worker(engine, handlers, once=True, poll_seconds=0)
    assert processed == 4 and seen == [1, 2]
    with Session(engine) as session:
        rows = session.exec(select(Job).order_by(Job.id)).all()
        assert [r.status for r in rows] == ["done", "failed", "done", "failed"]
        assert "bad payload" in rows[1].error
        assert "no handler" in rows[3].error


def test_stale_running_jobs_are_requeued(engine) -> None:
    from datetime import timedelta

    from pathways.db import utcnow

    with Session(engine) as session:
        job = Job(
            kind="x", status="running", attempts=1, heartbeat_at=utcnow() - timedelta(hours=1)
        )
        session.add(job)
        session.commit()
        job_id = job.id
    assert jobs.recover_lost(engine) == 1
    with Session(engine) as session:
        assert session.get(Job, job_id).status == "queued"
