"""One green thread per web process reads the event streams of every run it relays, in one blocking read."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Protocol

import redis

from app import concurrency
from app.cluster.bus import PREFIX, Event, RedisBus

log = logging.getLogger(__name__)
#: How long one read waits; a run no event came from for this long is checked for having ended unseen.
READ_BLOCK_MS = 5000


class RemoteRun(Protocol):
    """What the relay needs of a run it follows (app/cluster/remote.py)."""

    run_id: str
    after: int  # the last seq handed on

    def deliver(self, events: list[Event]) -> bool: ...

    def end(self) -> None: ...


class StreamRelay:
    """Follows runs' streams from each run's last delivered seq; a run added while the read waits wakes it
    through this process's own wake stream, so its first events are not held up."""

    def __init__(self, bus: RedisBus) -> None:
        self._bus = bus
        self._lock = concurrency.lock()
        self._runs: dict[str, RemoteRun] = {}
        self._quiet_since: dict[str, float] = {}
        self._wake_key = f"{PREFIX}:relay:{uuid.uuid4().hex}:wake"
        self._wake_seen = "0-0"
        self._task: concurrency.Task | None = None
        self._stopped = False

    def follow(self, run: RemoteRun) -> None:
        with self._lock:
            self._runs[run.run_id] = run
            self._quiet_since[run.run_id] = time.monotonic()
            if self._task is None:
                self._task = concurrency.spawn(self._loop)
        self._bus.wake(self._wake_key)

    def unfollow(self, run: RemoteRun) -> None:
        with self._lock:
            if self._runs.get(run.run_id) is run:
                del self._runs[run.run_id]
                self._quiet_since.pop(run.run_id, None)

    def stop(self) -> None:
        """End the reading (the runs followed are left as they are)."""
        self._stopped = True
        self._bus.wake(self._wake_key)

    def _loop(self) -> None:
        while not self._stopped:
            try:
                self._read_once()
            except redis.RedisError as exc:
                log.warning("reading run events from Redis failed (%s); retrying", exc)
                concurrency.sleep(1)

    def _read_once(self) -> None:
        with self._lock:
            after = {run_id: run.after for run_id, run in self._runs.items()}
        events, woken = self._bus.read_many(after, READ_BLOCK_MS, (self._wake_key, self._wake_seen))
        if woken is not None:
            self._wake_seen = woken
        now = time.monotonic()
        for run_id, batch in events.items():
            run = self._runs.get(run_id)
            if run is not None:
                self._quiet_since[run_id] = now
                self._hand(run, batch)
        self._end_lost(now)

    def _hand(self, run: RemoteRun, batch: list[Event]) -> None:
        try:
            going = run.deliver(batch)
        except Exception:  # noqa: BLE001 - one run's failure must not stop the relay of the others
            log.exception("run %s: relaying its events failed; this process stops following it", run.run_id)
            going = False
            run.end()
        if not going:
            self.unfollow(run)

    def _end_lost(self, now: float) -> None:
        """Runs quiet for a whole read that are no longer going, with nothing left to read: gone unseen."""
        with self._lock:
            quiet = {run_id: run.after for run_id, run in self._runs.items()
                     if now - self._quiet_since.get(run_id, now) >= READ_BLOCK_MS / 1000}
        if not quiet:
            return
        for run_id in self._bus.quiet_runs_gone(list(quiet), quiet):
            run = self._runs.get(run_id)
            if run is not None:
                self.unfollow(run)
                run.end()
        for run_id in quiet:
            self._quiet_since[run_id] = now
