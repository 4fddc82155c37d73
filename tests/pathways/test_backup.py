"""Backups: `pathways export` and `pathways import-dump` carry every table, every row and
every value from SQLite to PostgreSQL and back, and refuse what they cannot load whole."""

from __future__ import annotations

import gzip
import io
import subprocess
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from pathways import jobs, migrate
from pathways.db import make_engine
from pathways.models import DuplicateFlag, ImportBatch, Scenario
from pathways.services import accounts, backup
from pathways.services.audit import Actor
from pathways.services.job_handlers import HANDLERS
from tests.conftest import POSTGRES_URL, ROOT, new_postgres_database
from tests.pathways.conftest import queue_matching_run, seed_demo
from tests.pathways.test_scale_out import BIN, _env

pytestmark = pytest.mark.slow


def contents(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table as typed values, in primary-key order."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(*table.columns).order_by(*table.primary_key.columns))
            ]
            for table in backup.tables()
        }


@pytest.fixture
def other_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of the other backend."""
    if database_url.startswith("sqlite"):
        if not POSTGRES_URL:
            pytest.skip("PATHWAYS_TEST_POSTGRES_URL not set: the SQLite→PostgreSQL copy needs it")
        made = new_postgres_database("pathways_dump")
    else:
        made = nullcontext(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    with made as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def full_state(app: Any, engine: Any, make_user: Any) -> None:
    """Something in every table: demo people, vacancies and their placement history, a
    finished matching run, a token, a flagged duplicate, an import with its file, a scenario
    with its binary baseline."""
    settings = seed_demo(app, engine, applicants=300, vacancies=60, seed=5, history=True)
    officer = make_user("officer")
    with Session(engine, expire_on_commit=False) as session:
        accounts.issue_token(session, officer, actor=Actor.system("test"))
        queue_matching_run(session, officer)
    jobs.run_worker(engine, HANDLERS, once=True, poll_seconds=0, settings=settings)
    with Session(engine) as session:
        first, second = session.exec(text("SELECT id FROM applicant ORDER BY id LIMIT 2")).all()
        session.add(
            DuplicateFlag(
                applicant_id=first[0], other_id=second[0], score=0.91, evidence=["ñame ü", "€"]
            )
        )
        session.add(
            ImportBatch(
                format="csv", status="queued", content=b"\x00\xff ref,\xe9\n", filename="x.csv"
            )
        )
        session.add(
            Scenario(
                name="Abrir SAWP a Honduras",
                changes=[{"type": "open_program", "program": "CA-SAWP", "nationalities": ["HN"]}],
                baseline_placement=bytes(range(256)),
                as_of=date(2027, 1, 15),
                progress=1 / 3,
            )
        )
        session.commit()


def test_a_dump_round_trips_every_table_between_sqlite_and_postgresql(
    engine: Any, full_state: None, other_database: str, tmp_path: Path
) -> None:
    before = contents(engine)
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"the test state leaves tables empty: {empty}"

    dump = tmp_path / "backup.jsonl.gz"
    export = subprocess.run(
        [str(BIN / "pathways"), "export", str(dump)],
        cwd=ROOT,
        env=_env(str(engine.url.render_as_string(hide_password=False))),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert export.returncode == 0, export.stderr
    assert (
        f"exported {sum(map(len, before.values()))} rows of {len(before)} tables" in export.stdout
    )

    load = subprocess.run(
        [str(BIN / "pathways"), "import-dump", str(dump)],
        cwd=ROOT,
        env=_env(other_database),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert load.returncode == 0, load.stderr
    copy = make_engine(other_database)
    try:
        after = contents(copy)
        for name, rows in before.items():
            assert after[name] == rows, f"table {name} differs after the round trip"
        # The copy is a working database: new rows get fresh ids (sequences moved past).
        with Session(copy, expire_on_commit=False) as session:
            user = accounts.create_user(
                session,
                email="after-restore@example.org",
                password="a-long-enough-password",
                role="officer",
                country=None,
                actor=Actor.system("test"),
            )
        assert user.id > max(row[0] for row in before["user"])
        # And back: the copy's dump is the original's, byte for byte after the header.
        again = io.BytesIO()
        backup.export(copy, again)
        original = gzip.decompress(dump.read_bytes()).splitlines()
        copied = gzip.decompress(again.getvalue()).splitlines()
        user_table = original.index(b'{"end":"user","rows":%d}' % len(before["user"]))
        assert copied[1:user_table] == original[1:user_table]
    finally:
        copy.dispose()


def test_a_dump_that_cannot_be_loaded_whole_loads_nothing(
    engine: Any, app: Any, make_user: Any, other_database: str
) -> None:
    make_user("officer")
    out = io.BytesIO()
    backup.export(engine, out)
    target = make_engine(other_database)
    try:
        backup.import_dump(target, io.BytesIO(out.getvalue()))
        loaded = contents(target)
        # A second load into a database that holds data: refused, nothing added.
        with pytest.raises(backup.DumpError, match="not empty"):
            backup.import_dump(target, io.BytesIO(out.getvalue()))
        # A dump cut short: refused, and --replace keeps what was there.
        lines = gzip.decompress(out.getvalue()).splitlines(keepends=True)
        cut = gzip.compress(b"".join(lines[: len(lines) // 2]))
        with pytest.raises(backup.DumpError, match="incomplete|ends"):
            backup.import_dump(target, io.BytesIO(cut), replace=True)
        assert contents(target) == loaded
        # Not a dump at all, and a dump of another schema revision.
        with pytest.raises(backup.DumpError, match="cannot be read"):
            backup.import_dump(target, io.BytesIO(b"id,name\n1,x\n"), replace=True)
        header, *rest = lines
        other = header.replace(migrate.head_revision().encode(), b"0123456789ab")
        with pytest.raises(backup.DumpError, match="schema 0123456789ab"):
            backup.import_dump(target, io.BytesIO(gzip.compress(other + b"".join(rest))))
        assert contents(target) == loaded
    finally:
        target.dispose()
