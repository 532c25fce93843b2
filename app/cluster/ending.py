"""Ending a run from outside its scheduler (it could not start, or its worker was lost): an error, then run_end."""

from __future__ import annotations

from typing import Any

from app.cluster.bus import RedisBus
from app.engine.event_types import NodeFailed, RunEnded


def end_failed(bus: RedisBus, history: Any, run_id: str, message: str) -> None:
    """Append `error` and `run_end {status: failed}` after the run's last event, for followers and the history."""
    seq = bus.last_seq(run_id)
    for offset, event in enumerate((NodeFailed("", message), RunEnded({}, "failed")), start=1):
        payload = {**event.wire(), "runId": run_id, "seq": seq + offset}
        payload.pop("instanceName", None)
        payload.pop("isDone", None)
        bus.append(run_id, seq + offset, event.event, payload)
        if history is not None:
            history.record(event.event, payload)
