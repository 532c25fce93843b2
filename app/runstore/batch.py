"""Apply a batch of queued records in one transaction: runs, node states derived from events, events.

Rows are kept as plain dicts while the batch is folded, then written with a few executemany statements
(new rows inserted, known rows updated): a node that starts and ends within a batch is one insert.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from app.runstore.models import EventRow, NodeRow, RunRow
from app.runstore.records import STATUS_OF_RUN_END, Emitted, Record, Started, utc
from app.runstore.redaction import strip_secrets

FINISHED_NODE = ("succeeded", "failed", "cancelled", "interrupted")
RUNS: Table = RunRow.__table__  # type: ignore[assignment]
NODES: Table = NodeRow.__table__  # type: ignore[assignment]
EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
NODE_DEFAULTS = {"started_at": None, "ended_at": None, "duration": None, "output": None, "error": None,
                 "cached": False}


class BatchWriter:
    """Folds records into row dicts, then writes them on one connection (the caller commits)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection
        self._runs: dict[str, dict[str, Any]] = {}
        self._nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self._new: set[Any] = set()  # keys of rows to insert
        self._loaded: dict[Any, dict[str, Any]] = {}  # rows as read: a changed one is updated
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
        self._write()

    def _load(self, records: list[Record]) -> None:
        """Fetch the rows the batch touches; a run started again under a known id starts afresh."""
        ids = {r.payload.get("runId") if isinstance(r, Emitted) else r.run_id for r in records} - {None}
        if not ids:
            return
        restarted = {r.run_id for r in records if isinstance(r, Started)}
        for row in self._db.execute(select(RUNS).where(RUNS.c.id.in_(ids))).mappings():
            if row["id"] in restarted:
                for table in (EVENTS, NODES, RUNS):
                    column = table.c.id if table is RUNS else table.c.run_id
                    self._db.execute(delete(table).where(column == row["id"]))
            else:
                self._runs[row["id"]] = dict(row)
                self._loaded[("runs", row["id"])] = dict(row)
        for row in self._db.execute(select(NODES).where(NODES.c.run_id.in_(ids - restarted))).mappings():
            key = (row["run_id"], row["node"])
            self._nodes[key] = dict(row)
            self._loaded[("run_nodes", key)] = dict(row)

    def _write(self) -> None:
        for table, rows, key in ((RUNS, self._runs, ("id",)), (NODES, self._nodes, ("run_id", "node"))):
            fresh = [row for k, row in rows.items() if (table.name, k) in self._new]
            changed = [{f"p_{name}": value for name, value in row.items()} for k, row in rows.items()
                       if (table.name, k) not in self._new and self._loaded.get((table.name, k)) != row]
            if fresh:
                self._db.execute(insert(table), fresh)
            if changed:
                where = [table.c[name] == bindparam(f"p_{name}") for name in key]
                values = {c.name: bindparam(f"p_{c.name}") for c in table.c if c.name not in key}
                self._db.execute(update(table).where(*where).values(values), changed)
        if self._events:
            self._db.execute(insert(EVENTS), list(self._events.values()))

    def _started(self, record: Started) -> None:
        self._runs[record.run_id] = {
            "id": record.run_id, "status": "queued", "created_at": utc(record.at), "started_at": None,
            "ended_at": None, "started_by": record.started_by, "flow": strip_secrets(record.flow),
            "target": record.target, "error": None}
        self._new.add(("runs", record.run_id))

    def _run(self, run_id: str, at: float) -> dict[str, Any]:
        """The run's row; one seen only through its events is recorded without its flow."""
        row = self._runs.get(run_id)
        if row is None:
            row = self._runs[run_id] = {"id": run_id, "status": "running", "created_at": utc(at),
                                        "started_at": utc(at), "ended_at": None, "started_by": "editor",
                                        "flow": None, "target": None, "error": None}
            self._new.add(("runs", run_id))
        return row

    def _node(self, run: dict[str, Any], name: str, at: float) -> dict[str, Any]:
        key = (run["id"], name)
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = {**NODE_DEFAULTS, "run_id": run["id"], "node": name, "status": "running",
                                       "started_at": utc(at)}
            self._new.add(("run_nodes", key))
        return node

    def _emitted(self, record: Emitted) -> None:
        payload, at, event = record.payload, record.at, record.event
        run_id, seq = payload.get("runId"), payload.get("seq")
        if not isinstance(run_id, str) or not isinstance(seq, int):
            self.skipped += 1
            return
        run = self._run(run_id, at)
        self._events[(run_id, seq)] = {"run_id": run_id, "seq": seq, "event": event, "payload": payload}
        name = payload.get("instanceName")
        if event == "run_end":
            self._ended(run, STATUS_OF_RUN_END.get(str(payload.get("status")), "failed"), None, at)
        elif event == "error":
            run["error"] = run["error"] or str(payload.get("error", ""))
            if isinstance(name, str):
                node = self._node(run, name, at)
                node.update(status="failed", error=str(payload.get("error", "")), ended_at=utc(at))
        elif event in ("current_node_running", "progress") and isinstance(name, str):
            if run["status"] == "queued":
                run.update(status="running", started_at=utc(at))
            self._progress(self._node(run, name, at), event, payload, at)

    @staticmethod
    def _progress(node: dict[str, Any], event: str, payload: dict[str, Any], at: float) -> None:
        if event == "current_node_running":
            node["status"] = "running"
        elif payload.get("isDone"):
            duration = payload.get("duration")
            node.update(status="succeeded", ended_at=utc(at), output=payload.get("output"),
                        duration=float(duration) if isinstance(duration, (int, float)) else None)
        elif payload.get("queued"):
            node["status"] = "queued"

    def _ended(self, run: dict[str, Any], status: str, error: str | None, at: float) -> None:
        run.update(status=status, ended_at=utc(at))
        if status != "succeeded":
            run["error"] = error or run["error"]
        left = "cancelled" if status == "cancelled" else "interrupted"
        for (run_id, _), node in self._nodes.items():
            if run_id == run["id"] and node["status"] not in FINISHED_NODE:
                node.update(status=left, ended_at=utc(at))
