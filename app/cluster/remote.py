"""A run a worker executes, as a web process sees it: its events relayed from Redis to this process's followers."""

from __future__ import annotations

import logging
from typing import Any, Callable

import redis

from app import concurrency
from app.cluster.bus import RedisBus
from app.engine.channel import RunChannel

log = logging.getLogger(__name__)
#: How long one blocking read of the event stream waits before checking the run is still going.
READ_BLOCK_MS = 5000


class RemoteEvents:
    """What the registry and the routes read of a run's events: its channel."""

    def __init__(self, channel: RunChannel) -> None:
        self.channel = channel


class RemoteRun:
    """Started with `enqueue` (this process sent it to the workers) or without (following a run sent elsewhere)."""

    def __init__(self, run_id: str, sid: str | None, target: str | None, channel: RunChannel, bus: RedisBus,
                 on_finish: Callable[[RemoteRun], None], enqueue: Callable[[], None] | None = None) -> None:
        self.run_id = run_id
        self.sid = sid
        self.target = target
        self.events = RemoteEvents(channel)
        self.states: dict[str, Any] = {}
        self.results: dict[str, Any] = {}
        self.cancelled = concurrency.event()
        self._bus = bus
        self._on_finish = on_finish
        self._enqueue = enqueue
        self._finished = concurrency.event()
        self._relay: concurrency.Task | None = None
        self._after = 0

    def start(self) -> RemoteRun:
        if self._enqueue is not None:
            self._enqueue()
        else:
            self._catch_up()  # a joiner asks for what it missed at once: the tail must hold it already
        self._relay = concurrency.spawn(self._follow)
        return self

    def _catch_up(self) -> None:
        while self._deliver(list(self._bus.read(self.run_id, self._after, block_ms=None))):
            pass

    def _deliver(self, events: Any) -> bool:
        """Hand events to the channel; False when there were none or the run has ended."""
        delivered = False
        for seq, name, payload in events:
            self.events.channel.deliver(seq, name, payload)
            self._after = seq
            delivered = True
            if name == "run_end":
                self._end()
                return False
        return delivered

    def _follow(self) -> None:
        while not self._finished.is_set():
            try:
                got = list(self._bus.read(self.run_id, self._after, block_ms=READ_BLOCK_MS))
                self._deliver(got)
                if not got and not self._finished.is_set() and not self._bus.is_active(self.run_id):
                    if self._bus.last_seq(self.run_id) <= self._after:  # gone without a run_end we could read
                        self._end()
            except redis.RedisError as exc:
                log.warning("run %s: reading its events from Redis failed (%s); retrying", self.run_id, exc)
                concurrency.sleep(1)

    def _end(self) -> None:
        if not self._finished.is_set():
            self._finished.set()
            self._on_finish(self)

    def cancel(self, status: str = "cancelled") -> None:
        """Ask the worker to cancel; "interrupted" (this web process stops) only stops relaying here."""
        if status == "interrupted":
            if self._relay is not None:
                self._relay.kill()
            self._end()
            return
        self.cancelled.set()
        self._bus.cancel(self.run_id)

    def wait(self, timeout: float | None = None) -> bool:
        return bool(self._finished.wait(timeout))

    @property
    def finished(self) -> bool:
        return bool(self._finished.is_set())
