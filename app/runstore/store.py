"""RunStore: the run history's one entry point (writes here; reads and upkeep in their own modules)."""

from __future__ import annotations

import time
from typing import Any, Iterable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.runstore.batch import BatchWriter
from app.runstore.maintenance import RunMaintenance
from app.runstore.models import RUN_STATUSES, NodeRow, RunRow
from app.runstore.queries import RunQueries
from app.runstore.records import Emitted, Ended, Record, Started


class RunStore(RunQueries, RunMaintenance):
    """Records runs, their node states and events; each write method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.transactions = 0  # write transactions committed (the bench and tests count batches)

    def apply(self, records: Iterable[Record]) -> int:
        """Write a batch of records in one transaction; returns the events skipped for want of runId/seq."""
        with self.engine.begin() as connection:
            writer = BatchWriter(connection)
            writer.apply(records)
        self.transactions += 1
        return writer.skipped

    def record_run_started(self, run_id: str, flow: Any, target: str | None, started_by: str,
                           flow_id: str | None = None) -> None:
        """A run began: its flow is stored without secret-looking fields."""
        self.apply([Started(run_id, flow, target, started_by, time.time(), flow_id)])

    def record_event(self, run_id: str, seq: int, name: str, payload: dict[str, Any]) -> None:
        """Store one event and the node/run state it implies."""
        self.apply([Emitted(name, {**payload, "runId": run_id, "seq": seq}, time.time())])

    def record_run_ended(self, run_id: str, status: str, error: str | None = None) -> None:
        """A run ended with a store status (succeeded, failed, cancelled, interrupted)."""
        if status not in RUN_STATUSES:
            raise ValueError(f"status must be one of {', '.join(RUN_STATUSES)}")
        self.apply([Ended(run_id, status, error, time.time())])

    def record_node(self, run_id: str, node: str, status: str, *, output: Any = None, duration: float | None = None,
                    error: str | None = None, cached: bool = False) -> None:
        """Set one node's state directly (events derive it otherwise)."""
        with Session(self.engine) as session, session.begin():
            if session.get(RunRow, run_id) is None:
                raise KeyError(run_id)
            row = session.get(NodeRow, (run_id, node)) or NodeRow(run_id=run_id, node=node)
            row.status, row.output, row.duration, row.error, row.cached = status, output, duration, error, cached
            session.add(row)
        self.transactions += 1

    def close(self) -> None:
        self.engine.dispose()
