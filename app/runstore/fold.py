"""Fold a batch's records into row dicts: the run and node states its events imply (no database here)."""

from __future__ import annotations

from typing import Any

from app.runstore.records import STATUS_OF_RUN_END, Emitted, Record, Started, utc
from app.runstore.redaction import strip_secrets

FINISHED_NODE = ("succeeded", "failed", "cancelled", "interrupted")
NODE_DEFAULTS = {"started_at": None, "ended_at": None, "duration": None, "output": None, "error": None,
                 "cached": False}


class Fold:
    """Rows by key (those read from the database, and new ones), updated record by record."""

    def __init__(self) -> None:
        self.runs: dict[str, dict[str, Any]] = {}
        self.nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self.new: set[Any] = set()  # (table name, key) of rows to insert
        self.events: dict[tuple[str, int], dict[str, Any]] = {}
        self.ended: dict[str, tuple[str, Any]] = {}  # run id -> (status, time) for its nodes left unfinished
        self.skipped = 0  # events without runId/seq: nothing to key them by

    def add(self, record: Record) -> None:
        if isinstance(record, Emitted):
            self._emitted(record)
        elif isinstance(record, Started):
            self._started(record)

    def _started(self, record: Started) -> None:
        self.runs[record.run_id] = {
            "id": record.run_id, "status": "queued", "created_at": utc(record.at), "started_at": None,
            "ended_at": None, "started_by": record.started_by, "flow": strip_secrets(record.flow),
            "target": record.target, "error": None, "flow_id": record.flow_id}
        self.new.add(("runs", record.run_id))

    def _run(self, run_id: str, at: float) -> dict[str, Any]:
        """The run's row; one seen only through its events is recorded without its flow."""
        row = self.runs.get(run_id)
        if row is None:
            row = self.runs[run_id] = {"id": run_id, "status": "running", "created_at": utc(at),
                                       "started_at": utc(at), "ended_at": None, "started_by": "editor",
                                       "flow": None, "target": None, "error": None, "flow_id": None}
            self.new.add(("runs", run_id))
        return row

    def _node(self, run: dict[str, Any], name: str, at: float) -> dict[str, Any]:
        key = (run["id"], name)
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = {**NODE_DEFAULTS, "run_id": run["id"], "node": name, "status": "running",
                                      "started_at": utc(at)}
            self.new.add(("run_nodes", key))
        return node

    def _emitted(self, record: Emitted) -> None:
        payload, at, event = record.payload, record.at, record.event
        run_id, seq = payload.get("runId"), payload.get("seq")
        if not isinstance(run_id, str) or not isinstance(seq, int):
            self.skipped += 1
            return
        run = self._run(run_id, at)
        self.events[(run_id, seq)] = {"run_id": run_id, "seq": seq, "event": event, "payload": payload}
        name = payload.get("instanceName")
        if event == "run_end":
            self._ended(run, STATUS_OF_RUN_END.get(str(payload.get("status")), "failed"), at)
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
                        duration=float(duration) if isinstance(duration, (int, float)) else None,
                        cached=bool(payload.get("cached")))
        elif payload.get("queued"):
            node["status"] = "queued"

    def _ended(self, run: dict[str, Any], status: str, at: float) -> None:
        run.update(status=status, ended_at=utc(at))
        left = "cancelled" if status == "cancelled" else "interrupted"
        self.ended[run["id"]] = (left, utc(at))  # nodes of the run not in this batch: one UPDATE (batch.py)
        for (run_id, _), node in self.nodes.items():
            if run_id == run["id"] and node["status"] not in FINISHED_NODE:
                node.update(status=left, ended_at=utc(at))
