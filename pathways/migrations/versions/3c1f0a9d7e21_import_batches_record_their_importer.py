"""import batches record their importer

Revision ID: 3c1f0a9d7e21
Revises: 766c28fd6f3e
Create Date: 2026-12-01 08:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3c1f0a9d7e21'
down_revision: str | None = '766c28fd6f3e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Who imports a batch inside a web request, so a restart can fail it when that process died.
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
