"""Runs remember the flow they belong to (the editor's tab), so its history can be listed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("flow_id", sa.String(128), nullable=True))
    op.create_index("ix_runs_flow_id", "runs", ["flow_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_runs_flow_id", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("flow_id")
