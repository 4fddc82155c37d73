"""Crash safety with real processes: `kill -9` of the worker during a matching run and during a
queued import, and of gunicorn (master and workers) during an import made inside a request.
After the restart nothing is half-written, and the work resumes or fails cleanly.

On PostgreSQL the kill lands in the middle of the writing: the test holds a lock on the table
being written, waits until the process is blocked on it, and kills it there. SQLite cannot
hold one table, so there the kill lands during the computing, before anything is written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from pathways import jobs
from pathways.models import ImportBatch, Job, Match, MatchingRun, Vacancy
from pathways.services import imports
from tests.conftest import ROOT
from tests.pathways.conftest import queue_matching_run, seed_demo
from tests.pathways.test_scale_out import BIN, _env, _start_host

pytestmark = pytest.mark.slow
ROWS = 3000  # a file that takes the importer a second or two: time to kill it


def _big_csv() -> bytes:
    """The template's US row, ROWS times under distinct references (a US ministry's file)."""
    header, *rows = (
        (ROOT / "data" / "templates" / "vacancies.csv").read_text("utf-8-sig").splitlines()
    )
    us_row = next(row for row in rows if row.split(",")[4] == "US")
    body = [f"K{i}-{us_row}" for i in range(ROWS)]
    return ("\n".join([header, *body]) + "\n").encode()


def _spawn(database_url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "pathways"), *args],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: kill -9 reaches all of it
    )


def _wait_for(what: str, check: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _read(engine: Any, fn: Callable[[Session], Any]) -> Any:
    with Session(engine) as fresh:
        return fn(fresh)


@contextmanager
def _writes_held(engine: Any, table: str) -> Iterator[Callable[[], bool]]:
    """Block writes until the block ends; yields "is a process waiting to write `table`".

    PostgreSQL locks the one table, and pg_locks shows who waits on it. SQLite can only take
    the whole database's write lock (every transaction here begins IMMEDIATE), and cannot
    say who waits: there the answer is always no.
    """
    with engine.connect() as holder:
        if engine.dialect.name == "postgresql":
            holder.execute(text(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE'))
        else:
            holder.execute(text("SELECT 1"))  # begins IMMEDIATE: the write lock

        def waiting() -> bool:
            with engine.connect() as probe:
                return bool(
                    probe.execute(
                        text(
                            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                            "WHERE NOT l.granted AND c.relname = :t"
                        ),
                        {"t": table},
                    ).scalar()
                )

        try:
            yield waiting
        finally:
            holder.rollback()


def _kill_while_writing(
    engine: Any, proc: subprocess.Popen, table: str, started: Callable[[], bool]
) -> None:
    """Kill `proc` -9 once its work has started and it is trying to write."""
    _wait_for("the work to start", started)
    with _writes_held(engine, table) as waiting:
        if engine.dialect.name == "postgresql":
            _wait_for(f"the process to block writing {table}", waiting)
        else:
            time.sleep(0.5)  # it computes, then waits on the lock for its first write
        _kill(proc)


@pytest.fixture
def seeded_demo(app: Any, engine: Any) -> None:
    seed_demo(app, engine, applicants=1500, vacancies=120, seed=7)


def test_a_worker_killed_during_a_matching_run_leaves_no_matches_and_the_run_completes(
    database_url, app, engine, session, make_user, seeded_demo
) -> None:
    run = queue_matching_run(session, make_user("officer"))
    run_id = run.id
    worker = _spawn(database_url, "worker", "--poll", "0.1")

    def stage() -> str:
        return _read(engine, lambda s: s.get(MatchingRun, run_id).stage)

    _kill_while_writing(engine, worker, "match", lambda: stage() in ("matching", "writing"))
    assert _read(engine, lambda s: s.get(MatchingRun, run_id).status) == "running"
    assert _read(engine, lambda s: s.exec(select(func.count()).select_from(Match)).one()) == 0

    # The restarted worker sees at once that the job's process is gone (no 10-minute wait).
    again = _spawn(database_url, "worker", "--once")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()[-2000:]
    done = _read(engine, lambda s: s.get(MatchingRun, run_id))
    assert done.status == "done", done.error
    matches = _read(engine, lambda s: s.exec(select(Match).where(Match.run_id == run_id)).all())
    assert len(matches) == done.stats["matched"] > 0
    assert len({m.applicant_id for m in matches}) == len(matches)  # written once, not twice
    job = _read(engine, lambda s: s.exec(select(Job)).one())
    assert (job.status, job.attempts) == ("done", 2)


def test_a_worker_killed_during_a_queued_import_leaves_nothing_and_the_import_resumes(
    database_url, app, engine, session, make_user
) -> None:
    user = make_user("ministry", "US")
    batch = ImportBatch(
        format="csv",
        status="queued",
        content=_big_csv(),
        filename="big.csv",
        uploaded_by_id=user.id,
        country="US",
    )
    session.add(batch)
    session.flush()
    jobs.enqueue(session, "vacancy_import", {"batch_id": batch.id})
    session.commit()
    batch_id = batch.id
    worker = _spawn(database_url, "worker", "--poll", "0.1")

    def status() -> str:
        return _read(engine, lambda s: s.get(ImportBatch, batch_id).status)

    _kill_while_writing(engine, worker, "vacancy", lambda: status() == "running")
    assert _read(engine, lambda s: s.exec(select(func.count()).select_from(Vacancy)).one()) == 0

    again = _spawn(database_url, "worker", "--once")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()[-2000:]
    done = _read(engine, lambda s: s.get(ImportBatch, batch_id))
    assert (done.status, done.created) == ("done", ROWS), done.error
    assert _read(engine, lambda s: s.exec(select(func.count()).select_from(Vacancy)).one()) == ROWS


def test_gunicorn_killed_during_an_import_fails_it_cleanly_and_a_new_upload_works(
    database_url, app, engine, auth_header
) -> None:
    headers = {**auth_header("ministry", "US"), "Content-Type": "text/csv"}
    data = _big_csv()
    host, base = _start_host(database_url)

    def upload(to: str) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            f"{to}/api/v1/vacancies/import?format=csv", data=data, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    client = threading.Thread(target=lambda: _swallow(upload, base), daemon=True)
    client.start()

    def running() -> bool:
        batches = _read(engine, lambda s: s.exec(select(ImportBatch)).all())
        return any(b.status == "running" for b in batches)

    _kill_while_writing(engine, host, "vacancy", running)
    client.join(timeout=30)
    batch = _read(engine, lambda s: s.exec(select(ImportBatch)).one())
    assert batch.status == "running"  # its process is gone; nothing has said so yet
    assert _read(engine, lambda s: s.exec(select(func.count()).select_from(Vacancy)).one()) == 0

    # A restarted service marks it failed before serving (the importer's process is gone) ...
    host, base = _start_host(database_url)
    try:
        failed = _read(engine, lambda s: s.get(ImportBatch, batch.id))
        assert (failed.status, failed.error) == ("failed", imports.INTERRUPTED)
        # ... and the same file uploaded again imports in full.
        status, report = upload(base)
        assert status == 200, report
        assert report["created"] == ROWS
    finally:
        os.killpg(host.pid, signal.SIGTERM)
        host.wait(timeout=30)


def _swallow(fn: Callable[..., Any], *args: Any) -> None:
    with suppress(OSError):  # the server was killed under the request: expected
        fn(*args)


def _dead_holder() -> str:
    """A worker name (host:pid:thread) whose process has exited."""
    import socket

    gone = subprocess.Popen(["true"])
    gone.wait()
    return f"{socket.gethostname()}:{gone.pid}:1"


def test_a_job_whose_worker_died_too_often_fails_with_its_run(engine, session, make_user) -> None:
    from pathways.services.job_handlers import recover_interrupted

    run = queue_matching_run(session, make_user("officer"))
    job = session.exec(select(Job)).one()
    job.status, job.attempts, job.claimed_by = "running", jobs.MAX_ATTEMPTS, _dead_holder()
    run.status, run.stage = "running", "matching"
    session.add_all([job, run])
    session.commit()
    assert recover_interrupted(engine) == {"jobs": 1, "imports": 0}
    failed_run = _read(engine, lambda s: s.get(MatchingRun, run.id))
    assert (failed_run.status, failed_run.stage) == ("failed", "failed")
    assert "stopped 3 times" in failed_run.error
    assert _read(engine, lambda s: s.get(Job, job.id).status) == "failed"


def test_the_import_page_says_an_interrupted_import_saved_nothing(
    client, session, login_as
) -> None:
    user = login_as("ministry", "US")
    live = ImportBatch(format="csv", status="running", uploaded_by_id=user.id, country="US")
    live.claimed_by = jobs.worker_name()  # this process
    dead = ImportBatch(format="csv", status="running", uploaded_by_id=user.id, country="US")
    dead.claimed_by = _dead_holder()
    session.add_all([live, dead])
    session.commit()
    page = client.get(f"/ministry/imports/{dead.id}", headers={"Accept-Language": "es"})
    text_ = page.get_data(as_text=True)
    assert "El servicio se detuvo durante la importación" in text_, text_
    assert client.get(f"/ministry/imports/{dead.id}.json").get_json()["status"] == "failed"
    # The one whose importer is alive is left importing.
    assert client.get(f"/ministry/imports/{live.id}.json").get_json()["status"] == "running"
