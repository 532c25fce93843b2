"""RunStore: the run history's one entry point (writes here; reads and upkeep in their own modules)."""

from __future__ import annotations

import time
from typing import Any, Iterable

from sqlalchemy import Engine

from app.runstore.batch import BatchWriter
from app.runstore.maintenance import RunMaintenance
from app.runstore.queries import RunQueries
from app.runstore.records import Emitted, Record, Started


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

    def close(self) -> None:
        self.engine.dispose()
