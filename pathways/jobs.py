"""A database-backed job queue and the `pathways worker` loop.

Any number of workers, on any hosts, may poll the same database: a job is claimed by exactly
one of them (see claim_next). Long work never runs inside a web request.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pathways.db import utcnow
from pathways.models import Job

log = logging.getLogger("pathways.worker")

#: ``handler(session, job, progress, settings)``; the table of kinds is
#: :data:`pathways.services.job_handlers.HANDLERS` (this module knows no job kind).
JobHandler = Callable[[Session, Job, Callable[[int, int], None], Any], dict[str, Any] | None]
STALE_AFTER = timedelta(minutes=10)  # a running job without heartbeat this long is re-queued
MAX_ATTEMPTS = 3


def enqueue(session: Session, kind: str, payload: dict[str, Any]) -> Job:
    job = Job(kind=kind, payload=payload)
    session.add(job)
    session.flush()
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim_next(engine: Engine, worker: str) -> int | None:
    """Atomically move the oldest queued job to running for `worker`; return its id.

    PostgreSQL skips rows other workers have locked. SQLite ignores FOR UPDATE, but every
    SQLite transaction here begins IMMEDIATE (see db.py), so claimers run one at a time.
    """
    now = utcnow()
    with engine.begin() as conn:
        row = conn.execute(
            select(Job.id)
            .where(Job.status == "queued")
            .order_by(Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        conn.execute(
            update(Job)
            .where(Job.id == row[0])
            .values(
                status="running",
                claimed_by=worker,
                started_at=now,
                heartbeat_at=now,
                attempts=Job.attempts + 1,
            )
        )
        return int(row[0])


#: ``on_lost(session, job, retry)``: what a kind does to its subject (a run, an import) when
#: its worker is gone: show it queued again (``retry``) or failed. Kinds without one are
#: left to the job's own status.
LostHandler = Callable[[Session, Job, bool], None]


def holder_gone(claimed_by: str | None) -> bool:
    """True when `claimed_by` (see worker_name) names a process of this host that has died.

    A worker or web process killed with SIGKILL cannot mark its work: on its own host that
    is known at once from the process table; on another host only the heartbeat tells.
    """
    host, _, rest = (claimed_by or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    return False


def recover_lost(engine: Engine, on_lost: Mapping[str, LostHandler] | None = None) -> int:
    """Give jobs of crashed workers another chance (or fail them after MAX_ATTEMPTS), with
    their subjects; returns how many were recovered.

    A job is lost when its worker's process is gone (same host) or its heartbeat is older
    than STALE_AFTER (any host). Whatever it had written was one uncommitted transaction,
    so the database already holds nothing of it.
    """
    cutoff = utcnow() - STALE_AFTER
    with Session(engine) as session:
        running = session.exec(
            select(Job).where(Job.status == "running").with_for_update(skip_locked=True)
        ).all()
        lost = [
            job
            for job in running
            if holder_gone(job.claimed_by) or job.heartbeat_at is None or job.heartbeat_at < cutoff
        ]
        for job in lost:
            retry = job.attempts < MAX_ATTEMPTS
            if retry:
                job.status, job.claimed_by = "queued", None
            else:
                job.status, job.finished_at = "failed", utcnow()
                job.error = f"its worker stopped {job.attempts} times; nothing of it was saved"
            log.warning(
                "job %s (%s) lost by %s: %s",
                job.id,
                job.kind,
                job.claimed_by,
                "queued again" if retry else "failed",
            )
            session.add(job)
            handler = (on_lost or {}).get(job.kind)
            if handler is not None:
                handler(session, job, retry)
        session.commit()
        return len(lost)


def run_job(
    engine: Engine, job_id: int, handlers: Mapping[str, JobHandler], settings: Any = None
) -> str:
    """Run one claimed job in its own session with the handler of its kind; returns its
    final status.

    Handlers get `settings` (the worker's Settings) for what they need beyond the database.
    """
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(Job, job_id)
        assert job is not None
        fn = handlers.get(job.kind)
        last_beat = [time.monotonic()]

        def progress(done: int, total: int) -> None:
            # Handlers report progress; the heartbeat rides on it (at most every 2 s).
            if time.monotonic() - last_beat[0] > 2:
                with Session(engine) as beat:
                    beat.exec(update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow()))  # type: ignore[call-overload]
                    beat.commit()
                last_beat[0] = time.monotonic()

        try:
            if fn is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            fn(session, job, progress, settings)
            job.status, job.error = "done", None
        except Exception as exc:  # noqa: BLE001 - a job's failure must not stop the worker
            session.rollback()
            job = session.get(Job, job_id)
            assert job is not None
            job.status = "failed"
            job.error = f"{type(exc).__name__}: {exc}"[:2000]
            log.error("job %s (%s) failed: %s", job_id, job.kind, traceback.format_exc(limit=5))
        job.finished_at = utcnow()
        session.add(job)
        session.commit()
        log.info("job %s (%s) %s", job_id, job.kind, job.status)
        return job.status


def run_worker(
    engine: Engine,
    handlers: Mapping[str, JobHandler],
    *,
    once: bool = False,
    poll_seconds: float = 2.0,
    settings: Any = None,
    on_lost: Mapping[str, LostHandler] | None = None,
) -> int:
    """Process jobs until stopped (SIGINT/SIGTERM), or until the queue is empty with once=True."""
    stopping = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stopping.set())
    try:
        return _work(
            engine,
            handlers,
            stopping,
            once=once,
            poll_seconds=poll_seconds,
            settings=settings,
            on_lost=on_lost,
        )
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _work(
    engine: Engine,
    handlers: Mapping[str, JobHandler],
    stopping: threading.Event,
    *,
    once: bool,
    poll_seconds: float,
    settings: Any,
    on_lost: Mapping[str, LostHandler] | None,
) -> int:
    name = worker_name()
    processed = 0
    log.info("worker %s started", name)
    recover_lost(engine, on_lost)
    last_sweep = time.monotonic()
    while not stopping.is_set():
        if time.monotonic() - last_sweep > 60:  # a worker on another host may have died
            recover_lost(engine, on_lost)
            last_sweep = time.monotonic()
        job_id = claim_next(engine, name)
        if job_id is None:
            if once:
                break
            stopping.wait(poll_seconds)
            continue
        run_job(engine, job_id, handlers, settings)
        processed += 1
    log.info("worker %s stopped after %d job(s)", name, processed)
    return processed
