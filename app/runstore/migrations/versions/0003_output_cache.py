"""Output cache: node outputs by content hash, evicted least recently used first.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "output_cache",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("processor_type", sa.String(128), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.String(128), nullable=True),
    )
    op.create_index("ix_output_cache_used", "output_cache", ["last_used_at"])


def downgrade() -> None:
    op.drop_index("ix_output_cache_used", table_name="output_cache")
    op.drop_table("output_cache")
