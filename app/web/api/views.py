"""Runs as the API shows them: from the run history's records, or from a live run when no history is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.engine.runs import RunRegistry
from app.engine.scheduler import NodeState, Run
from app.runstore.records import NodeRecord, RunRecord
from app.web.api.models import NodeResult, RunDetail, RunLinks, RunSummary

API_ROOT = "/api/v1"
LIVE_NODE_STATUS = {NodeState.PENDING: "queued", NodeState.QUEUED: "waiting", NodeState.RUNNING: "running",
                    NodeState.DONE: "succeeded", NodeState.FAILED: "failed", NodeState.CANCELLED: "cancelled",
                    NodeState.REUSED: "skipped"}


def links(run_id: str) -> RunLinks:
    path = f"{API_ROOT}/runs/{run_id}"
    return RunLinks(self=path, events=f"{path}/events", cancel=f"{path}/cancel")


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start).total_seconds(), 6) if start is not None and end is not None else None


def summary(record: RunRecord) -> RunSummary:
    return RunSummary(id=record.id, status=record.status, createdAt=record.created_at,  # type: ignore[arg-type]
                      startedAt=record.started_at, endedAt=record.ended_at,
                      duration=_seconds(record.started_at, record.ended_at),
                      startedBy=record.started_by, target=record.target,  # type: ignore[arg-type]
                      flowId=record.flow_id, error=record.error)


def _node(record: NodeRecord) -> NodeResult:
    return NodeResult(name=record.node, status=record.status, startedAt=record.started_at,  # type: ignore[arg-type]
                      endedAt=record.ended_at, duration=record.duration, output=record.output, error=record.error,
                      cached=record.cached)


def detail(record: RunRecord) -> RunDetail:
    nodes = [_node(node) for node in record.nodes]
    outputs = {node.name: node.output for node in nodes if node.status == "succeeded"}
    return RunDetail(**summary(record).model_dump(), flow=record.flow, nodes=nodes, outputs=outputs)


def live_status(run: Run) -> str:
    """A live run's status (no history): running until it ends, then how it ended."""
    if not run.finished:
        return "running"
    if run.cancelled.is_set():
        return "cancelled"
    return "failed" if NodeState.FAILED in run.states.values() else "succeeded"


def live_detail(run: Run) -> RunDetail:
    """What a live run can tell without the history: node states and outputs, no times."""
    nodes = [NodeResult(name=name, status=LIVE_NODE_STATUS[state], startedAt=None,  # type: ignore[arg-type]
                        endedAt=None, duration=None, output=run.results.get(name), error=None,
                        cached=state == NodeState.REUSED)
             for name, state in run.states.items()]
    outputs: dict[str, Any] = dict(run.results)
    return RunDetail(id=run.run_id, status=live_status(run), createdAt=None,  # type: ignore[arg-type]
                     startedAt=None, endedAt=None, duration=None, startedBy="editor" if run.sid else "api",
                     target=run.target, flowId=None, error=None, flow=None, nodes=nodes, outputs=outputs)


def current(run_id: str, runs: RunRegistry, live: Run | None = None) -> RunDetail | None:
    """The run as the history has it (it has every node's times), else as the live run tells it; None if unknown."""
    record = runs.history.get(run_id) if runs.history is not None else None
    if record is not None:
        return detail(record)
    live = live or runs.get(run_id)
    return live_detail(live) if live is not None else None
