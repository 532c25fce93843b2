"""RunHistory: what the engine and the API use of the run store (record, replay, read, delete, upkeep)."""

from __future__ import annotations

import logging
from typing import Any

from app import concurrency
from app.runstore.recording import HistoryRecorder
from app.runstore.records import RunPage, RunRecord
from app.runstore.store import RunStore

log = logging.getLogger(__name__)
#: A long-running server prunes its history this often (seconds), besides at start-up.
PRUNE_EVERY_S = 3600.0


class RunHistory:
    """The store plus its batching recorder; reads flush what is queued first, so they see every event."""

    def __init__(self, store: RunStore, *, max_age_days: float, max_runs: int) -> None:
        self.store = store
        self.recorder = HistoryRecorder(store)
        self._max_age_days = max_age_days
        self._max_runs = max_runs
        self._pruner: concurrency.Task | None = None

    def open(self, *, upkeep: bool = True) -> RunHistory:
        """Start recording. With upkeep (a server's start-up): runs a stopped server left `running` become
        `interrupted`, and old runs are pruned now and every hour. Without (the CLI running a flow in its own
        process): neither, since a server may be running flows in the same history at this very moment."""
        if upkeep:
            marked = self.store.mark_interrupted_at_start()
            if marked:
                log.warning("run history: %d run(s) were cut short by the last stop (now 'interrupted')", marked)
            self.prune()
        self.recorder.start()
        if upkeep:
            self._pruner = concurrency.spawn_later(PRUNE_EVERY_S, self._prune_now_and_later)
        return self

    def prune(self) -> int:
        return self.store.prune(max_age_days=self._max_age_days, max_runs=self._max_runs)

    def _prune_now_and_later(self) -> None:
        try:
            concurrency.run_blocking(self.prune)
        except Exception:  # noqa: BLE001 - upkeep must never take the server down
            log.warning("run history: pruning failed", exc_info=True)
        self._pruner = concurrency.spawn_later(PRUNE_EVERY_S, self._prune_now_and_later)

    # ---- writing (hot path: queued) ------------------------------------------------------------
    def record(self, event: str, payload: dict[str, Any]) -> None:
        self.recorder.record(event, payload)

    def run_started(self, run_id: str, flow: Any, target: str | None, started_by: str,
                    flow_id: str | None = None) -> None:
        self.recorder.run_started(run_id, flow, target, started_by, flow_id)

    # ---- reading -------------------------------------------------------------------------------
    def _read(self, fn: Any, *args: Any) -> Any:
        self.recorder.flush()
        return concurrency.run_blocking(fn, *args)

    def replay(self, run_id: str, after_seq: int, before_seq: int | None = None) -> list[tuple[int, str, dict]]:
        """The run's stored events after `after_seq` (and before `before_seq`), as (seq, name, payload)."""
        records = self._read(lambda: self.store.events_after(run_id, after_seq, before=before_seq))
        return [(record.seq, record.event, record.payload) for record in records]

    def get(self, run_id: str) -> RunRecord | None:
        return self._read(self.store.get_run, run_id)  # type: ignore[no-any-return]

    def page(self, *, cursor: str | None, limit: int, status: str | None, flow_id: str | None) -> RunPage:
        return self._read(lambda: self.store.list_runs(cursor, limit, status, flow_id))  # type: ignore[no-any-return]

    def delete(self, run_id: str) -> bool:
        return bool(self._read(self.store.delete_run, run_id))

    def close(self) -> None:
        if self._pruner is not None:
            self._pruner.kill()
        self.recorder.close()
        self.store.close()
