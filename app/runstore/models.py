"""The run history tables as typed SQLAlchemy 2 models (the Alembic migrations mirror them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

RUN_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled", "interrupted")
ACTIVE_STATUSES = ("queued", "running")


class Base(DeclarativeBase):
    """Declarative base whose metadata Alembic's env.py targets."""


class RunRow(Base):
    """One run: its flow as it ran (secrets stripped), who started it, how it ended."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_created", "created_at", "id"), Index("ix_runs_status", "status"),
                      Index("ix_runs_flow_id", "flow_id", "created_at"))

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str] = mapped_column(String(16))
    flow: Mapped[Any | None] = mapped_column(JSON)
    target: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    flow_id: Mapped[str | None] = mapped_column(String(128))


class NodeRow(Base):
    """One node of a run: its state, timing and final output."""

    __tablename__ = "run_nodes"

    run_id: Mapped[str] = mapped_column(String(128), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    node: Mapped[str] = mapped_column(Text, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration: Mapped[float | None] = mapped_column(Float)
    output: Mapped[Any | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    cached: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class EventRow(Base):
    """One event of a run as the client saw it, in `seq` order."""

    __tablename__ = "run_events"

    run_id: Mapped[str] = mapped_column(String(128), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[Any] = mapped_column(JSON)


class CacheRow(Base):
    """One node output kept for reuse, by the hash of everything that made it (see app/engine/cache_keys.py)."""

    __tablename__ = "output_cache"
    __table_args__ = (Index("ix_output_cache_used", "last_used_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    processor_type: Mapped[str] = mapped_column(String(128))
    output: Mapped[Any] = mapped_column(JSON)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[str | None] = mapped_column(String(128))


class SavedFlowRow(Base):
    """A flow kept on the server (the flow library): its name and newest version number."""

    __tablename__ = "saved_flows"
    __table_args__ = (Index("ix_saved_flows_updated", "updated_at", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latest_version: Mapped[int] = mapped_column(Integer)


class SavedFlowVersionRow(Base):
    """One saved version of a flow (each save is a version; old ones stay readable)."""

    __tablename__ = "saved_flow_versions"

    flow_id: Mapped[str] = mapped_column(String(32), ForeignKey("saved_flows.id", ondelete="CASCADE"),
                                         primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    flow: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
