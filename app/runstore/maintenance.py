"""Keeping the run history tidy: delete a run, mark runs a restart cut short, prune by age and count."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from app.runstore.models import ACTIVE_STATUSES, EventRow, NodeRow, RunRow


def _delete_runs(session: Session, run_ids: list[str]) -> int:
    """Delete runs with their nodes and events (explicitly: SQLite enforces no cascade by default)."""
    deleted = 0
    for start in range(0, len(run_ids), 500):
        chunk = run_ids[start:start + 500]
        for table in (EventRow, NodeRow):
            session.execute(delete(table).where(table.run_id.in_(chunk)))
        deleted += session.execute(delete(RunRow).where(RunRow.id.in_(chunk))).rowcount or 0
    return deleted


class RunMaintenance:
    """Maintenance side of RunStore."""

    engine: Engine

    def delete_run(self, run_id: str) -> bool:
        """Delete one run; False if there was none."""
        with Session(self.engine) as session, session.begin():
            return _delete_runs(session, [run_id]) > 0

    def mark_interrupted_at_start(self, now: datetime | None = None) -> int:
        """Every run still queued or running (the server stopped under it) becomes interrupted."""
        now = now or datetime.now(timezone.utc)
        with Session(self.engine) as session, session.begin():
            active = list(session.scalars(select(RunRow.id).where(RunRow.status.in_(ACTIVE_STATUSES))))
            if not active:
                return 0
            session.execute(update(NodeRow).where(NodeRow.run_id.in_(active),
                                                  NodeRow.status.in_(("queued", "running")))
                            .values(status="interrupted", ended_at=now))
            session.execute(update(RunRow).where(RunRow.id.in_(active))
                            .values(status="interrupted", ended_at=now,
                                    error=func.coalesce(RunRow.error, "The server stopped during the run.")))
            return len(active)

    def prune(self, *, max_age_days: float, max_runs: int, now: datetime | None = None) -> int:
        """Delete finished runs older than max_age_days, then the oldest beyond max_runs; returns how many."""
        now = now or datetime.now(timezone.utc)
        finished = RunRow.status.not_in(ACTIVE_STATUSES)
        with Session(self.engine) as session, session.begin():
            old = list(session.scalars(select(RunRow.id).where(
                finished, RunRow.created_at < now - timedelta(days=max_age_days))))
            deleted = _delete_runs(session, old)
            surplus = (session.scalar(select(func.count()).select_from(RunRow)) or 0) - max_runs
            if surplus > 0:
                oldest = list(session.scalars(select(RunRow.id).where(finished)
                                              .order_by(RunRow.created_at, RunRow.id).limit(surplus)))
                deleted += _delete_runs(session, oldest)
            return deleted
