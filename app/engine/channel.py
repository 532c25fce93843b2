"""One run's events in seq order: recorded, sent to the sockets following the run, handed to SSE listeners,
and a bounded tail kept so a client that joins late gets what it missed with no gap and no duplicate."""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable, Protocol, runtime_checkable

from app import concurrency
from app.engine.event_types import RunEvent

log = logging.getLogger(__name__)

Delivered = tuple[int, str, dict[str, Any]]  # (seq, event name, wire payload)
Listener = Callable[[int, str, dict[str, Any]], None]


@runtime_checkable
class EventSink(Protocol):
    """Where a run's events reach sockets: python-socketio in the server, a list in tests."""

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None: ...


class EventHistory(Protocol):
    """What a channel needs of the run history: record every event, and read back older ones."""

    def record(self, event: str, payload: dict[str, Any]) -> None: ...

    def replay(self, run_id: str, after_seq: int, before_seq: int | None = None) -> list[Delivered]: ...


def payload_chars(payload: dict[str, Any]) -> int:
    """About how much text an event holds (for the tail's bound; no serialising)."""
    size = 64
    for key in ("output", "delta", "error"):
        value = payload.get(key)
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, (list, dict)):
            size += sum(len(item) if isinstance(item, str) else 64 for item in
                        (value.values() if isinstance(value, dict) else value))
    return size


class RunChannel:
    """Publishes one run's events; `followers` are socket ids, listeners are callables (SSE streams)."""

    def __init__(self, run_id: str, sink: EventSink, history: EventHistory | None, *,
                 max_tail_chars: int) -> None:
        self.run_id = run_id
        self._sink = sink
        self._history = history
        self._max_tail = max_tail_chars
        self._lock = concurrency.lock()
        self._tail: deque[Delivered] = deque()
        self._tail_chars = 0
        self.followers: set[str] = set()
        self._listeners: list[Listener] = []
        self.last_seq = 0
        self.ended = False

    def publish(self, seq: int, event: RunEvent) -> None:
        """Send one event (the caller publishes in seq order)."""
        payload = event.wire()
        payload["runId"] = self.run_id
        payload["seq"] = seq
        self.deliver(seq, event.event, payload, record=True)

    def deliver(self, seq: int, name: str, payload: dict[str, Any], *, record: bool = False) -> None:
        """Send one event already on the wire (relayed from the process that runs it), in seq order."""
        with self._lock:
            self.last_seq = seq
            self._keep(seq, name, payload)
            if record and self._history is not None:
                self._history.record(name, payload)
            for sid in self.followers:
                self._sink.emit(name, payload, sid)
            for listener in list(self._listeners):
                listener(seq, name, payload)
            if name == "run_end":
                self.ended = True

    def _keep(self, seq: int, name: str, payload: dict[str, Any]) -> None:
        chars = payload_chars(payload)
        self._tail.append((seq, name, payload))
        self._tail_chars += chars
        while self._tail_chars > self._max_tail and len(self._tail) > 1:
            self._tail_chars -= payload_chars(self._tail.popleft()[2])

    def _missed(self, after_seq: int) -> list[Delivered]:
        """Events after `after_seq` (caller holds the lock): from the tail, older ones from the history."""
        first_kept = self._tail[0][0] if self._tail else self.last_seq + 1
        older: list[Delivered] = []
        if after_seq + 1 < first_kept:
            if self._history is not None:
                older = self._history.replay(self.run_id, after_seq, first_kept)
            else:
                log.warning("run %s: events %d-%d are no longer kept (no run history)",
                            self.run_id, after_seq + 1, first_kept - 1)
        return older + [item for item in self._tail if item[0] > after_seq]

    def follow(self, sid: str, after_seq: int | None = None) -> int:
        """The socket follows the run from now on, after being sent what it missed since `after_seq`
        (None: nothing replayed, as for the socket that starts the run). Returns how many were replayed."""
        with self._lock:
            missed = [] if after_seq is None else self._missed(after_seq)
            for _seq, name, payload in missed:
                self._sink.emit(name, payload, sid)
            self.followers.add(sid)
            return len(missed)

    def unfollow(self, sid: str) -> None:
        with self._lock:
            self.followers.discard(sid)

    def listen(self, listener: Listener, after_seq: int) -> None:
        """Hand the listener what it missed since `after_seq`, then every new event, in order."""
        with self._lock:
            for seq, name, payload in self._missed(after_seq):
                listener(seq, name, payload)
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @property
    def watched(self) -> bool:
        """Someone follows the run (a socket or an SSE stream)."""
        return bool(self.followers or self._listeners)
