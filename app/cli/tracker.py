"""Folds a run's events into what the CLI shows: each node's state, time and streamed text, and the outcome."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

#: run_end's status -> the run's status in the history and the REST API.
RUN_STATUS = {"completed": "succeeded", "failed": "failed", "cancelled": "cancelled", "interrupted": "interrupted"}
GOING = ("queued", "waiting", "running")


@dataclass
class NodeView:
    name: str
    status: str = "queued"
    started: float | None = None  # time.monotonic() when it began running
    duration: float | None = None
    text: str = ""  # streamed text so far (the final text once done)
    output: Any = None
    error: str | None = None
    cached: bool = False  # served from the output cache

    def elapsed(self, now: float) -> float | None:
        if self.duration is not None:
            return self.duration
        return now - self.started if self.started is not None else None


class RunTracker:
    """Apply each (seq, event, payload) in order; a seq already seen is ignored (a resumed stream)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.nodes: dict[str, NodeView] = {}
        self.last_seq = 0
        self.status: str | None = None  # set by run_end
        self.outputs: dict[str, Any] = {}
        self.error: str | None = None  # the first failure, with its node
        self.started = time.monotonic()
        self.duration: float | None = None

    @property
    def ended(self) -> bool:
        return self.status is not None

    def apply(self, seq: int, event: str, payload: dict[str, Any]) -> str | None:
        """Fold one event in; returns what changed: running, waiting, text, succeeded, failed, ended (or None)."""
        if seq <= self.last_seq:
            return None
        self.last_seq = seq
        if event == "run_end":
            self._end(payload)
            return "ended"
        name = payload.get("instanceName")
        if not isinstance(name, str):
            if event == "error":
                self.error = self.error or str(payload.get("error"))
                return "failed"
            return None
        node = self.nodes.setdefault(name, NodeView(name))
        if event == "current_node_running":
            node.status, node.started = "running", time.monotonic()
            return "running"
        if event == "error":
            node.status, node.error = "failed", str(payload.get("error"))
            self.error = self.error or f"{name}: {node.error}"
            return "failed"
        if event == "progress":
            return self._progress(node, payload)
        return None

    @staticmethod
    def _progress(node: NodeView, payload: dict[str, Any]) -> str | None:
        if payload.get("isDone"):
            node.status, node.duration = "succeeded", payload.get("duration")
            node.output, node.cached = payload.get("output"), bool(payload.get("cached"))
            if isinstance(node.output, str):
                node.text = node.output
            return "succeeded"
        if payload.get("queued"):
            node.status = "waiting"
            return "waiting"
        if isinstance(payload.get("delta"), str):
            offset = payload.get("offset")
            start = offset if isinstance(offset, int) and 0 <= offset <= len(node.text) else len(node.text)
            node.text = node.text[:start] + payload["delta"]
            return "text"
        if isinstance(payload.get("output"), str):
            node.text = payload["output"]
            return "text"
        return None

    def _end(self, payload: dict[str, Any]) -> None:
        status = payload.get("status")
        self.status = RUN_STATUS.get(status, "cancelled" if payload.get("cancelled") else "failed")  # type: ignore[arg-type]
        outputs = payload.get("output")
        self.outputs = outputs if isinstance(outputs, dict) else {}
        self.duration = time.monotonic() - self.started
        for node in self.nodes.values():
            if node.status in GOING:
                node.status = "cancelled" if self.status in ("cancelled", "interrupted") else "skipped"

    def result(self) -> dict[str, Any]:
        """The run as --json prints it: status, every node's state, the outputs by node."""
        return {
            "id": self.run_id,
            "status": self.status,
            "duration": round(self.duration, 3) if self.duration is not None else None,
            "error": self.error,
            "nodes": [{"name": node.name, "status": node.status, "duration": node.duration, "error": node.error,
                       "cached": node.cached} for node in self.nodes.values()],
            "outputs": self.outputs,
        }
