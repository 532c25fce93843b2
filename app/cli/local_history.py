"""The local run history (DATA_DIR or DATABASE_URL) read directly, in the REST API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.cli.outcome import CliError
from app.runstore import RunStore, open_store
from app.runstore.records import NodeRecord, RunRecord
from app.settings import Settings


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def summary(record: RunRecord) -> dict[str, Any]:
    duration = (record.ended_at - (record.started_at or record.created_at)).total_seconds() \
        if record.ended_at is not None else None
    return {"id": record.id, "status": record.status, "createdAt": iso(record.created_at),
            "startedAt": iso(record.started_at), "endedAt": iso(record.ended_at), "duration": duration,
            "startedBy": record.started_by, "target": record.target, "flowId": record.flow_id, "error": record.error}


def node_view(node: NodeRecord) -> dict[str, Any]:
    return {"name": node.node, "status": node.status, "startedAt": iso(node.started_at),
            "endedAt": iso(node.ended_at), "duration": node.duration, "output": node.output, "error": node.error,
            "cached": node.cached}


class LocalHistory:
    """Reads only: a run still going in another process shows as far as its history has been written."""

    def __init__(self, settings: Settings) -> None:
        self._store: RunStore = open_store(settings)

    def list_runs(self, *, status: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
        try:
            page = self._store.list_runs(cursor, limit, status)
        except ValueError:
            raise CliError(f"--cursor '{cursor}' is not a cursor of this history.") from None
        return {"runs": [summary(run) for run in page.runs], "nextCursor": page.next_cursor}

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        record = self._store.get_run(run_id)
        if record is None:
            return None
        nodes = [node_view(node) for node in record.nodes]
        return {**summary(record), "flow": record.flow, "nodes": nodes,
                "outputs": {node["name"]: node["output"] for node in nodes if node["status"] == "succeeded"}}

    def events(self, run_id: str, after_seq: int) -> list[tuple[int, str, dict[str, Any]]]:
        return [(event.seq, event.event, event.payload) for event in self._store.events_after(run_id, after_seq)]

    def close(self) -> None:
        self._store.close()
