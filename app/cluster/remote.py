"""A run a worker executes, as a web process sees it: its events relayed from Redis to this process's followers."""

from __future__ import annotations

from typing import Any, Callable

from app import concurrency
from app.cluster.bus import Event, RedisBus
from app.cluster.relay import StreamRelay
from app.engine.channel import RunChannel


class RemoteEvents:
    """What the registry and the routes read of a run's events: its channel."""

    def __init__(self, channel: RunChannel) -> None:
        self.channel = channel


class RemoteRun:
    """Started with `enqueue` (this process sent it to the workers) or without (following a run sent elsewhere)."""

    def __init__(self, run_id: str, sid: str | None, target: str | None, channel: RunChannel, bus: RedisBus,
                 relay: StreamRelay, on_finish: Callable[[RemoteRun], None],
                 enqueue: Callable[[], None] | None = None) -> None:
        self.run_id = run_id
        self.sid = sid
        self.target = target
        self.events = RemoteEvents(channel)
        self.states: dict[str, Any] = {}
        self.results: dict[str, Any] = {}
        self.cancelled = concurrency.event()
        self.after = 0  # the last seq handed to the channel
        self._bus = bus
        self._relay = relay
        self._on_finish = on_finish
        self._enqueue = enqueue
        self._finished = concurrency.event()

    def start(self) -> RemoteRun:
        if self._enqueue is not None:
            self._enqueue()
        else:
            self._catch_up()  # a joiner asks for what it missed at once: the tail must hold it already
        if not self.finished:
            self._relay.follow(self)
        return self

    def _catch_up(self) -> None:
        while not self.finished and (events := list(self._bus.read(self.run_id, self.after, block_ms=None))):
            self.deliver(events)

    def deliver(self, events: list[Event]) -> bool:
        """Hand events to the channel, in order; False once the run has ended."""
        for seq, name, payload in events:
            if seq <= self.after:
                continue
            self.events.channel.deliver(seq, name, payload)
            self.after = seq
            if name == "run_end":
                self.end()
                return False
        return not self.finished

    def end(self) -> None:
        if not self._finished.is_set():
            self._finished.set()
            self._on_finish(self)

    def cancel(self, status: str = "cancelled") -> None:
        """Ask the worker to cancel; "interrupted" (this web process stops) only stops relaying here."""
        if status == "interrupted":
            self._relay.unfollow(self)
            self.end()
            return
        self.cancelled.set()
        self._bus.cancel(self.run_id)

    def wait(self, timeout: float | None = None) -> bool:
        return bool(self._finished.wait(timeout))

    @property
    def finished(self) -> bool:
        return bool(self._finished.is_set())
