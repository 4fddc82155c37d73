"""Shared fixtures. Every database test runs on SQLite and, when PATHWAYS_TEST_POSTGRES_URL is
set, on a fresh PostgreSQL database created for this run (and dropped after it)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PATHWAYS_SHARED_DATA", ROOT.parent / "shared" / "data"))
POSTGRES_URL = os.environ.get("PATHWAYS_TEST_POSTGRES_URL")
# Reference tables survive between tests; everything else is emptied after each test.
REFERENCE_TABLES = {
    "program",
    "program_rule",
    "reference_version",
    "occupation",
    "occupation_code",
    "occupation_alias",
    "alembic_version",
}
PASSWORD = "correct-horse-battery"


def shared_data(*parts: str) -> Path:
    """A file under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/data not present ({path}): this test reads the real public files")
    return path


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the es/fr catalogs when they are missing or older than their .po files, so
    `pytest` alone tests the pages in the languages users see."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "pathways" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as dst:
                write_mo(dst, catalog)


def _backends() -> list[Any]:
    params: list[Any] = ["sqlite"]
    params.append(
        pytest.param("postgres", marks=pytest.mark.postgres)
        if POSTGRES_URL
        else pytest.param(
            "postgres",
            marks=pytest.mark.skip(
                reason="PATHWAYS_TEST_POSTGRES_URL not set: PostgreSQL run skipped"
            ),
        )
    )
    return params


@contextmanager
def new_postgres_database(prefix: str = "pathways_test") -> Iterator[str]:
    """A new, empty PostgreSQL database on PATHWAYS_TEST_POSTGRES_URL's server, dropped after."""
    assert POSTGRES_URL
    base = make_url(POSTGRES_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database with the reference data loaded, one per backend per run."""
    if request.param == "postgres":
        url = request.getfixturevalue("_postgres_database")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'pathways.sqlite'}"
    from pathways import migrate
    from pathways.db import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    _load_reference(engine)
    engine.dispose()
    return url


def _load_reference(engine: Any) -> None:
    from sqlmodel import Session

    from pathways.services import reference
    from pathways.settings import PROJECT_ROOT

    with Session(engine) as session:
        reference.load_reference(session, data_dir=PROJECT_ROOT / "data")


def test_settings(database_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "database_url": database_url,
        "env": "test",
        "secret_key": "test-secret-key",
        "ratelimit_enabled": False,
        **extra,
    }


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


_APPS: dict[str, Any] = {}


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    """The application on the test database: one per backend for the whole run (building one
    costs a tenth of a second, times every test), emptied after each test. A test that needs
    other settings builds its own with ``create_app(test_settings(url, ...))``."""
    from pathways import create_app
    from pathways.extensions import limiter

    application = _APPS.get(database_url)
    if application is None:
        application = _APPS[database_url] = create_app(test_settings(database_url))
    # The limiter is one object for the process: a test that built an app with limits on
    # left it on, with its counts; this app has them off.
    limiter.enabled = application.config["RATELIMIT_ENABLED"]
    yield application
    _empty_tables(application.extensions["pathways_engine"])


def _empty_tables(engine: Any) -> None:
    """Delete what a test wrote, keeping the reference data (rule versions a test added through
    the web go too: they point at the test's users; so do titles learned from its imports)."""
    from pathways.db import metadata

    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM program_rule WHERE origin <> 'data'"))
        # Titles learned from a test's certified imports go with its vacancies; the version moves
        # so no process keeps a resolver that still knows them.
        learned = conn.execute(text("DELETE FROM occupation_alias WHERE source LIKE 'certified:%'"))
        if learned.rowcount:
            conn.execute(
                text("UPDATE reference_version SET version = version + 1 WHERE key = 'occupations'")
            )
        for table in tables:
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def engine(app: Any) -> Any:
    return app.extensions["pathways_engine"]


@pytest.fixture
def session(engine: Any) -> Iterator[Any]:
    """The test's own session. On SQLite its transactions begin deferred: the app begins
    IMMEDIATE (one writer at a time), and a test that reads and then makes requests must not
    hold the write lock the request needs."""
    from sqlmodel import Session

    with Session(engine.execution_options(sqlite_begin="BEGIN"), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    from click.testing import CliRunner

    monkeypatch.setenv("PATHWAYS_DATABASE_URL", database_url)
    monkeypatch.setenv("PATHWAYS_ENV", "test")
    monkeypatch.setenv("PATHWAYS_SECRET_KEY", "test-secret-key")
    return CliRunner()


@pytest.fixture
def make_user(session: Any) -> Callable[..., Any]:
    from pathways.services import accounts
    from pathways.services.audit import Actor

    counter = iter(range(1, 10_000))

    def make(role: str = "officer", country: str | None = None, **kw: Any) -> Any:
        email = kw.pop("email", None) or f"{role}{next(counter)}-{uuid.uuid4().hex[:6]}@example.org"
        return accounts.create_user(
            session,
            email=email,
            role=role,
            country=country,
            password=PASSWORD,
            actor=Actor.system("test"),
            **kw,
        )

    return make


@pytest.fixture
def auth_header(session: Any, make_user: Callable[..., Any]) -> Callable[..., dict[str, str]]:
    """`auth_header("ministry", "US")` → headers with a fresh bearer token for such a user."""
    from pathways.services import accounts
    from pathways.services.audit import Actor

    def make(role: str = "officer", country: str | None = None) -> dict[str, str]:
        user = make_user(role, country)
        issued = accounts.issue_token(session, user, actor=Actor.system("test"))
        return {"Authorization": f"Bearer {issued.token}"}

    return make


CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: Any, path: str) -> str:
    page = client.get(path)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def login_as(client: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """Sign in through the real login form; returns the user."""

    def login(role: str = "officer", country: str | None = None) -> Any:
        user = make_user(role, country)
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login
