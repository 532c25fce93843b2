"""HistoryRecorder: queues every event of every run for the store, written in batches off the hot path."""

from __future__ import annotations

import collections
import logging
import time
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError, StatementError

from app import concurrency
from app.runstore.records import Emitted, Record, Started
from app.runstore.store import RunStore

log = logging.getLogger(__name__)


class HistoryRecorder:
    """record() appends to a bounded queue; a background task flushes the queue every `interval` seconds
    (or sooner when `batch_size` records wait), one transaction per batch. A full queue drops records
    (counted, logged) rather than slow a run down."""

    def __init__(self, store: RunStore, *, interval: float = 0.05, batch_size: int = 500,
                 max_queue: int = 20_000) -> None:
        self._store = store
        self._interval = interval
        self._batch = batch_size
        self._max = max_queue
        self._queue: collections.deque[Record] = collections.deque()
        self._flush_lock = concurrency.lock()
        self._wake = concurrency.event()
        self._stopped = False
        self._task: concurrency.Task | None = None
        self.dropped = 0
        self.failed = 0  # records lost because the database refused their batch

    def record(self, event: str, payload: dict[str, Any]) -> None:
        """Queue one event of a run (its payload carries runId and seq)."""
        self._put(Emitted(event, payload, time.time()))

    def run_started(self, run_id: str, flow: Any, target: str | None, started_by: str,
                    flow_id: str | None = None) -> None:
        """Queue a run's start (before its first event, so the batch keeps them in order)."""
        self._put(Started(run_id, flow, target, started_by, time.time(), flow_id))

    def _put(self, record: Record) -> None:
        if len(self._queue) >= self._max:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("run history cannot keep up: %d records dropped", self.dropped)
            return
        self._queue.append(record)
        if len(self._queue) == self._batch:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._queue)

    def start(self) -> HistoryRecorder:
        """Start the background flusher."""
        if self._task is None:
            self._task = concurrency.spawn(self._loop)
        return self

    def _loop(self) -> None:
        while not self._stopped:
            self._wake.wait(self._interval)
            self._wake = concurrency.event()  # a fresh one: events here have no clear() in every mode
            self.flush()

    def flush(self) -> None:
        """Write everything queued so far, `batch_size` records per transaction."""
        with self._flush_lock:
            while self._queue:
                batch = [self._queue.popleft() for _ in range(min(self._batch, len(self._queue)))]
                self._write(batch)

    def _write(self, batch: list[Record]) -> None:
        """One transaction; if the database refuses a record of it, the records go one by one."""
        if concurrency.mode() == "threading":
            self._apply(batch)
        else:  # database I/O on a native thread: the event loop keeps serving runs meanwhile
            concurrency.run_blocking(self._apply, batch)

    def _apply(self, batch: list[Record]) -> None:
        try:
            self._store.apply(batch)
            return
        except Exception as exc:  # noqa: BLE001 - the history must never take a run down
            if not (len(batch) > 1 and _refused(exc)):
                self.failed += len(batch)
                log.warning("run history: %d records not written (%s)", len(batch), _brief(exc))
                return
        for record in batch:
            try:
                self._store.apply([record])
            except Exception as exc:  # noqa: BLE001
                self.failed += 1
                log.warning("run history: a record not written (%s)", _brief(exc))

    def close(self) -> None:
        """Stop the flusher and write what is left."""
        self._stopped = True
        self._wake.set()
        if self._task is not None:
            self._task.join(timeout=10)
            self._task = None
        self.flush()


def _refused(exc: Exception) -> bool:
    """The database refused some record (a duplicate, a bad value), as opposed to being unreachable."""
    return isinstance(exc, (IntegrityError, DataError)) or type(exc) is StatementError


def _brief(exc: Exception) -> str:
    """The error's first line (parameters are hidden by the engine: no stored value is logged)."""
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
