"""A run's events on their way from a worker to the run's Redis stream: in order, each batch in one round trip."""

from __future__ import annotations

import logging
from typing import Any, Callable

import redis

from app import concurrency
from app.cluster.bus import Event, RedisBus

log = logging.getLogger(__name__)
#: Attempts at appending one batch while Redis is away for a moment, and the pause between them.
ATTEMPTS = 5
RETRY_PAUSE_S = 0.5


class StreamWriter:
    """Takes events without waiting on Redis: the scheduler goes on while the events it emitted meanwhile
    queue up, and one green thread appends all that queued in a single pipeline."""

    def __init__(self, bus: RedisBus, run_id: str, before_end: Callable[[], None]) -> None:
        self._bus = bus
        self._run_id = run_id
        self._before_end = before_end  # runs before run_end goes out (the history has the run's end by then)
        self._lock = concurrency.lock()
        self._pending: list[Event] = []
        self._drained = concurrency.event()
        self._drained.set()

    def add(self, seq: int, name: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._pending.append((seq, name, payload))
            if not self._drained.is_set():
                return  # the writer at work takes it with its next batch
            self._drained.clear()
        concurrency.spawn(self._write)

    def drain(self, timeout: float) -> bool:
        """Wait until every event added so far is in the stream (or given up on)."""
        return bool(self._drained.wait(timeout))

    def _write(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._drained.set()
                    return
            try:
                if any(name == "run_end" for _, name, _ in batch):
                    self._before_end()
                self._append(batch)
            except Exception:  # noqa: BLE001 - the writer must go on (and drain) whatever one batch did
                log.exception("run %s: %d events could not be appended", self._run_id, len(batch))

    def _append(self, batch: list[Event]) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self._bus.append_many(self._run_id, batch)
                return
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if attempt == ATTEMPTS:
                    log.error("run %s: %d events could not be appended to Redis (%s)", self._run_id, len(batch), exc)
                    return
                concurrency.sleep(RETRY_PAUSE_S)
            except redis.RedisError as exc:  # refused by Redis itself: trying again cannot help
                log.error("run %s: Redis refused %d events (%s)", self._run_id, len(batch), exc)
                return
