"""Apply a batch of queued records in one transaction: runs, node states derived from events, events."""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.runstore.models import EventRow, NodeRow, RunRow
from app.runstore.records import STATUS_OF_RUN_END, Emitted, Ended, Record, Started, utc
from app.runstore.redaction import strip_secrets

FINISHED_NODE = ("succeeded", "failed", "cancelled", "interrupted")


class BatchWriter:
    """Turns records into rows within one session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._runs: dict[str, RunRow] = {}
        self._nodes: dict[tuple[str, str], NodeRow] = {}
        self._events: dict[tuple[str, int], dict[str, Any]] = {}
        self.skipped = 0  # events without runId/seq: nothing to key them by

    def apply(self, records: Iterable[Record]) -> None:
        records = list(records)
        self._load(records)
        for record in records:
            if isinstance(record, Emitted):
                self._emitted(record)
            elif isinstance(record, Started):
                self._started(record)
            else:
                self._ended(self._run(record.run_id, record.at), record.status, record.error, record.at)
        self._session.flush()  # runs and nodes first: events reference them
        if self._events:
            self._session.execute(insert(EventRow), list(self._events.values()))

    def _load(self, records: list[Record]) -> None:
        """Fetch the rows the batch touches; a run started again under a known id starts afresh."""
        ids = {r.payload.get("runId") if isinstance(r, Emitted) else r.run_id for r in records} - {None}
        if not ids:
            return
        restarted = {r.run_id for r in records if isinstance(r, Started)}
        session = self._session
        for row in session.scalars(select(RunRow).where(RunRow.id.in_(ids))):
            if row.id in restarted:
                for table in (EventRow, NodeRow):
                    session.execute(delete(table).where(table.run_id == row.id))
                session.delete(row)
                session.flush()
            else:
                self._runs[row.id] = row
        for node in session.scalars(select(NodeRow).where(NodeRow.run_id.in_(ids - restarted))):
            self._nodes[(node.run_id, node.node)] = node

    def _started(self, record: Started) -> None:
        row = RunRow(id=record.run_id, status="queued", created_at=utc(record.at), started_by=record.started_by,
                     flow=strip_secrets(record.flow), target=record.target)
        self._runs[record.run_id] = row
        self._session.add(row)
        self._session.flush([row])  # the run's row before its nodes' (the models declare no relationships)

    def _run(self, run_id: str, at: float) -> RunRow:
        """The run's row; one seen only through its events is recorded without its flow."""
        row = self._runs.get(run_id)
        if row is None:
            row = RunRow(id=run_id, status="running", created_at=utc(at), started_at=utc(at), started_by="editor")
            self._runs[run_id] = row
            self._session.add(row)
            self._session.flush([row])
        return row

    def _node(self, run: RunRow, name: str, at: float) -> NodeRow:
        node = self._nodes.get((run.id, name))
        if node is None:
            node = NodeRow(run_id=run.id, node=name, status="running", started_at=utc(at), cached=False)
            self._nodes[(run.id, name)] = node
            self._session.add(node)
        return node

    def _emitted(self, record: Emitted) -> None:
        payload, at = record.payload, record.at
        run_id, seq = payload.get("runId"), payload.get("seq")
        if not isinstance(run_id, str) or not isinstance(seq, int):
            self.skipped += 1
            return
        run = self._run(run_id, at)
        self._events[(run_id, seq)] = {"run_id": run_id, "seq": seq, "event": record.event, "payload": payload}
        name = payload.get("instanceName")
        if record.event == "run_end":
            status = STATUS_OF_RUN_END.get(str(payload.get("status")), "failed")
            self._ended(run, status, None, at)
        elif record.event == "current_node_running" and isinstance(name, str):
            self._running(run, at)
            node = self._node(run, name, at)
            node.status = "running"
        elif record.event == "progress" and isinstance(name, str):
            self._running(run, at)
            self._progress(self._node(run, name, at), payload, at)
        elif record.event == "error":
            message = str(payload.get("error", ""))
            run.error = run.error or message
            if isinstance(name, str):
                node = self._node(run, name, at)
                node.status, node.error, node.ended_at = "failed", message, utc(at)

    @staticmethod
    def _running(run: RunRow, at: float) -> None:
        if run.status == "queued":
            run.status, run.started_at = "running", utc(at)

    @staticmethod
    def _progress(node: NodeRow, payload: dict[str, Any], at: float) -> None:
        if payload.get("isDone"):
            node.status, node.ended_at = "succeeded", utc(at)
            node.output = payload.get("output")
            duration = payload.get("duration")
            node.duration = float(duration) if isinstance(duration, (int, float)) else None
        elif payload.get("queued"):
            node.status = "queued"
        elif node.status == "queued":
            node.status = "running"

    def _ended(self, run: RunRow, status: str, error: str | None, at: float) -> None:
        run.status, run.ended_at = status, utc(at)
        if status != "succeeded":
            run.error = error or run.error
        for (run_id, _), node in self._nodes.items():
            if run_id == run.id and node.status not in FINISHED_NODE:
                node.status, node.ended_at = ("cancelled" if status == "cancelled" else "interrupted"), utc(at)
