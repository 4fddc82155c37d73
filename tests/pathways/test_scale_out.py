"""Scaling out: two stateless gunicorn hosts on one database, and several workers claiming
jobs from one queue. Real processes, real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session, select

from pathways.models import ImportBatch, Job
from tests.conftest import PASSWORD, ROOT

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    env.update(
        PATHWAYS_DATABASE_URL=database_url,
        PATHWAYS_ENV="production",
        PATHWAYS_SECRET_KEY="shared-secret-of-the-cluster",
        PATHWAYS_LOG_LEVEL="WARNING",
        PATHWAYS_RATELIMIT_ENABLED="false",
        PATHWAYS_COOKIE_SECURE="false",
    )
    return env


def _start_host(database_url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"host did not start: {proc.stderr.read().decode()[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def test_two_hosts_share_sessions_and_data(database_url, app, make_user) -> None:
    user = make_user("ministry", "US")
    host_a, url_a = _start_host(database_url)
    host_b, url_b = _start_host(database_url)
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(url_a + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"email": user.email, "password": PASSWORD, "csrf_token": token}
        ).encode()
        opener.open(url_a + "/login", data=form)
        # The session cookie signed by host A is honoured by host B: no state in memory.
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        request = urllib.request.Request(url_b + "/ministry/vacancies", headers={"Cookie": cookie})
        with urllib.request.urlopen(request) as response:
            assert response.status == 200
            assert user.email in response.read().decode()
    finally:
        _stop(host_a)
        _stop(host_b)


def test_many_workers_claim_each_job_once(database_url, app, session) -> None:
    template = (ROOT / "data" / "templates" / "vacancies.csv").read_bytes()
    from pathways import jobs

    for i in range(6):
        content = template.replace(b"\n", b"\n", 1).replace(b",", b",", 0)
        lines = template.decode("utf-8-sig").splitlines()
        content = "\n".join([lines[0]] + [f"B{i}-{line}" for line in lines[1:]]).encode()
        batch = ImportBatch(format="csv", status="queued", content=content, filename="t.csv")
        session.add(batch)
        session.flush()
        jobs.enqueue(session, "vacancy_import", {"batch_id": batch.id})
    session.commit()
    workers = [
        subprocess.Popen(
            [str(BIN / "pathways"), "worker", "--once", "--poll", "0.1"],
            cwd=ROOT,
            env=_env(database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    outputs = [w.communicate(timeout=180) for w in workers]
    processed = [int(re.search(rb"processed (\d+) job", out).group(1)) for out, _ in outputs]
    assert sum(processed) == 6, outputs
    with Session(session.get_bind()) as fresh:
        assert {j.status for j in fresh.exec(select(Job))} == {"done"}, [
            (j.id, j.error) for j in fresh.exec(select(Job))
        ]
        claimed_by = {j.claimed_by for j in fresh.exec(select(Job))}
        assert len(claimed_by) >= 1
        batches = fresh.exec(select(ImportBatch)).all()
        assert all(b.status == "done" for b in batches)
        assert sum(b.created for b in batches) == 6 * (len(template.splitlines()) - 1)
