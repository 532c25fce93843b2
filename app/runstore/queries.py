"""Reading the run history: one run with its nodes, pages of runs, events after a seq."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.runstore.cursors import after_cursor, encode_cursor
from app.runstore.models import EventRow, NodeRow, RunRow
from app.runstore.records import EventRecord, NodeRecord, RunPage, RunRecord, aware


def _run_record(row: RunRow, nodes: list[NodeRecord] | None = None, with_flow: bool = False) -> RunRecord:
    return RunRecord(id=row.id, status=row.status, created_at=aware(row.created_at),  # type: ignore[arg-type]
                     started_at=aware(row.started_at), ended_at=aware(row.ended_at), started_by=row.started_by,
                     target=row.target, error=row.error, flow_id=row.flow_id, flow=row.flow if with_flow else None, nodes=nodes or [])


def _node_record(row: NodeRow) -> NodeRecord:
    return NodeRecord(node=row.node, status=row.status, started_at=aware(row.started_at),
                      ended_at=aware(row.ended_at), duration=row.duration, output=row.output, error=row.error,
                      cached=row.cached)


class RunQueries:
    """Read side of RunStore (newest runs first; pages continue with an opaque cursor)."""

    engine: Engine

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with its flow and nodes (in start order), or None."""
        with Session(self.engine) as session:
            row = session.get(RunRow, run_id)
            if row is None:
                return None
            nodes = session.scalars(select(NodeRow).where(NodeRow.run_id == run_id)
                                    .order_by(NodeRow.started_at, NodeRow.node))
            return _run_record(row, [_node_record(node) for node in nodes], with_flow=True)

    def list_runs(self, cursor: str | None = None, limit: int = 50, status: str | None = None,
                  flow_id: str | None = None) -> RunPage:
        """A page of runs, newest first, optionally of one status or one flow; next_cursor is None on the last page."""
        limit = max(1, min(limit, 500))
        query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(limit + 1)
        if flow_id is not None:
            query = query.where(RunRow.flow_id == flow_id)
        if status is not None:
            query = query.where(RunRow.status == status)
        if cursor:
            query = query.where(after_cursor(cursor, RunRow.created_at, RunRow.id))
        with Session(self.engine) as session:
            rows = [_run_record(row) for row in session.scalars(query)]
        more = len(rows) > limit
        rows = rows[:limit]
        return RunPage(runs=rows, next_cursor=encode_cursor(rows[-1].created_at, rows[-1].id) if more else None)

    def events_after(self, run_id: str, seq: int = 0, limit: int | None = None,
                     before: int | None = None) -> list[EventRecord]:
        """The run's events with a seq greater than `seq` (and less than `before`), in seq order."""
        query = (select(EventRow).where(EventRow.run_id == run_id, EventRow.seq > seq).order_by(EventRow.seq))
        if before is not None:
            query = query.where(EventRow.seq < before)
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine) as session:
            return [EventRecord(seq=row.seq, event=row.event, payload=row.payload) for row in session.scalars(query)]
