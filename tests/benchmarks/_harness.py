"""Shared plumbing for the HTTP benchmarks: throwaway database, gunicorn servers, HTTP calls.

Every server runs in its own process group and is stopped (SIGTERM, then SIGKILL) by
``Harness.close()``; use the harness as a context manager so that happens on any exit.
Not a pytest module (the default test run ignores ``tests/benchmarks``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's bin: pathways, gunicorn
HOST = "127.0.0.1"


def die(script: str, message: str, code: int = 2) -> None:
    print(f"{script}: {message}", file=sys.stderr, flush=True)
    raise SystemExit(code)


def tool(name: str) -> str:
    """A console script of this interpreter's venv (falls back to PATH)."""
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found next to {sys.executable} nor on PATH")
    return found


def postgres_url() -> str:
    """The server a PostgreSQL benchmark creates its database on."""
    return (
        os.environ.get("PATHWAYS_BENCH_POSTGRES_URL")
        or os.environ.get("PATHWAYS_TEST_POSTGRES_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )


@contextlib.contextmanager
def postgres_database(script: str, *, keep: bool = False) -> Iterator[str]:
    """A database of the benchmark's own on :func:`postgres_url`'s server (its SQLAlchemy URL),
    dropped afterwards unless ``keep``; exit 2 when the server is not there."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(postgres_url())
    name = f"pathways_{script}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any driver error: PostgreSQL is not there
        die(script, f"cannot create a database on {base.render_as_string()}: {exc}")
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            print(f"(kept the database: {base.set(database=name).render_as_string()})")
        else:
            with admin.connect() as conn:
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = :n"), {"n": name},
                )  # fmt: skip
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Harness:
    """A temp dir with its own SQLite database and the servers started on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tmp = Path(tempfile.mkdtemp(prefix=f"pathways-{name}-"))
        self.env = dict(os.environ)
        self.env.update(
            PATHWAYS_DATABASE_URL=f"sqlite:///{self.tmp / 'db.sqlite'}",
            PATHWAYS_ENV="development",
            PATHWAYS_RATELIMIT_ENABLED="false",
            PATHWAYS_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.procs: list[tuple[str, subprocess.Popen[bytes], Any]] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for _label, proc, log in reversed(self.procs):
            stop_group(proc)
            log.close()
        self.procs.clear()
        if os.environ.get("PATHWAYS_BENCH_KEEP_TMP"):
            print(f"(kept {self.tmp})")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- database ----------------------------------------------------------------------------
    def cli(self, *args: str, timeout: float = 600) -> str:
        """Run the venv's ``pathways`` CLI on this database; return stdout, fail loudly."""
        cmd = [tool("pathways"), *args]
        res = subprocess.run(
            cmd, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if res.returncode != 0:
            die(
                self.name,
                f"`pathways {' '.join(args)}` failed ({res.returncode}):\n"
                f"{res.stdout[-2000:]}{res.stderr[-2000:]}",
                code=1,
            )
        return res.stdout

    def prepare_db(self) -> float:
        t = time.perf_counter()
        self.cli("db", "upgrade")
        self.cli("load-reference")
        return time.perf_counter() - t

    # -- servers -----------------------------------------------------------------------------
    def gunicorn(
        self,
        label: str,
        app: str,
        *,
        workers: int,
        timeout: int = 30,
        chdir: Path | None = None,
        ready_path: str = "/healthz",
    ) -> int:
        """Start ``gunicorn APP`` on a free port in its own process group; wait until it answers."""
        port = free_port()
        cmd = [
            tool("gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "--timeout",
            str(timeout),
            app,
        ]
        # No --access-logfile: gunicorn's access log is off unless asked for.
        log = open(self.tmp / f"{label}.log", "wb")  # noqa: SIM115 (closed in close())
        proc = subprocess.Popen(
            cmd,
            cwd=chdir or REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append((label, proc, log))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                die(
                    self.name,
                    f"{label} server exited with {proc.returncode}:\n{self.log_tail(label)}",
                    code=1,
                )
            try:
                status, _ = request(port, "GET", ready_path, timeout=2)
                if status < 500:
                    return port
            except OSError:
                pass
            time.sleep(0.2)
        die(
            self.name,
            f"{label} server did not answer on port {port} within 60 s:\n{self.log_tail(label)}",
            code=1,
        )
        raise AssertionError  # unreachable

    def log_tail(self, label: str, n: int = 3000) -> str:
        path = self.tmp / f"{label}.log"
        try:
            return path.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group (gunicorn master and workers), SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_json(port: int, path: str, payload: Any, timeout: float = 30) -> tuple[int, Any]:
    status, raw = request(
        port,
        "POST",
        path,
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
        timeout=timeout,
    )
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")
