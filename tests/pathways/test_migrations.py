"""`pathways db upgrade` is idempotent, and a failed migration leaves the old schema intact."""

from __future__ import annotations

import shutil
import textwrap

import pytest
from sqlalchemy import inspect

from pathways import migrate
from pathways.db import make_engine


def _schema(engine) -> dict[str, list[str]]:
    insp = inspect(engine)
    return {
        t: sorted(c["name"] for c in insp.get_columns(t)) for t in sorted(insp.get_table_names())
    }


def test_upgrade_twice_changes_nothing(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    before, after = migrate.upgrade(engine)
    assert before is None and after == migrate.head_revision()
    schema = _schema(engine)
    assert {
        "vacancy",
        "applicant",
        "placement",
        "placement_event",
        "audit_event",
        "api_token",
        "matching_run",
        "match",
        "job",
        "consent",
    } <= set(schema)
    again = migrate.upgrade(engine)
    assert again == (after, after)
    assert _schema(engine) == schema


def test_failed_migration_keeps_previous_schema(tmp_path, database_url) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (scripts / "versions" / "ffff_broken.py").write_text(
        textwrap.dedent(f'''
        import sqlalchemy as sa
        from alembic import op
        revision = "ffff_broken"
        down_revision = "{head}"
        branch_labels = None
        depends_on = None
        def upgrade():
            op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
            op.add_column("vacancy", sa.Column("half_column", sa.Integer))
            raise RuntimeError("simulated failure in the middle of a migration")
        def downgrade():
            pass
    ''')
    )
    engine = make_engine(
        database_url if "postgres" in database_url else f"sqlite:///{tmp_path / 'db.sqlite'}"
    )
    migrate.upgrade(engine)
    schema = _schema(engine)
    with pytest.raises(RuntimeError, match="simulated failure"):
        migrate.upgrade(engine, script_location=scripts)
    assert migrate.current_revision(engine) == head
    assert _schema(engine) == schema
    engine.dispose()


def test_cli_upgrade_reports_current(runner) -> None:
    from pathways.cli import main

    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "is current" in result.output
