"""Schema migrations (Alembic), run in one transaction so a failure leaves the old schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(script_location: Path = MIGRATIONS_DIR) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


def head_revision(script_location: Path = MIGRATIONS_DIR) -> str | None:
    if script_location == MIGRATIONS_DIR:
        return _shipped_head()
    return ScriptDirectory.from_config(alembic_config(script_location)).get_current_head()


@cache
def _shipped_head() -> str | None:
    # The installed migration scripts do not change while the process runs; reading them is
    # most of what a start-up's schema check costs.
    return ScriptDirectory.from_config(alembic_config(MIGRATIONS_DIR)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(
    engine: Engine, revision: str = "head", script_location: Path = MIGRATIONS_DIR
) -> tuple[str | None, str | None]:
    """Migrate to `revision`; returns (before, after). Re-running on a current schema is a no-op."""
    before = current_revision(engine)
    cfg = alembic_config(script_location)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(engine)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new revision from the models (a developer command)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
