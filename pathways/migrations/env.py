"""Alembic environment: the connection is always handed in by pathways.migrate."""

from alembic import context

import pathways.models  # noqa: F401  (registers every table on the metadata)
from pathways.db import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `pathways db` drives migrations
    raise RuntimeError("run migrations through `pathways db upgrade`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs batch mode
    compare_type=True,
    transaction_per_migration=False,  # one transaction for the whole upgrade: all or nothing
)
with context.begin_transaction():
    context.run_migrations()
