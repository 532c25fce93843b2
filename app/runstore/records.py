"""What goes into the store (queued records) and what comes out of it (plain, typed snapshots)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

STARTED_BY = ("editor", "api", "cli")
STATUS_OF_RUN_END = {"completed": "succeeded", "failed": "failed", "cancelled": "cancelled",
                     "interrupted": "interrupted"}


def utc(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, timezone.utc)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: every stored time is UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True, slots=True)
class Started:
    """A run began (queued record)."""

    run_id: str
    flow: Any
    target: str | None
    started_by: str
    at: float
    flow_id: str | None = None

    def __post_init__(self) -> None:
        if self.started_by not in STARTED_BY:
            raise ValueError(f"started_by must be one of {', '.join(STARTED_BY)}")


@dataclass(frozen=True, slots=True)
class Emitted:
    """An event of a run was emitted (queued record): payload carries runId and seq."""

    event: str
    payload: dict[str, Any]
    at: float


Record = Started | Emitted


@dataclass(frozen=True, slots=True)
class NodeRecord:
    node: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    duration: float | None
    output: Any
    error: str | None
    cached: bool


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: str
    status: str
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    started_by: str
    target: str | None
    error: str | None
    flow_id: str | None = None
    flow: Any = None
    nodes: list[NodeRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EventRecord:
    seq: int
    event: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RunPage:
    runs: list[RunRecord]
    next_cursor: str | None
