"""Events of a run on the wire: runId and seq on each, throttled partials, keys redacted."""

from __future__ import annotations

import time
from typing import Any, Protocol, runtime_checkable

from app import concurrency


@runtime_checkable
class EventSink(Protocol):
    """Where events go: a Socket.IO room in the server, a list in tests."""

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None: ...


class SocketIOSink:
    def __init__(self, socketio: Any) -> None:
        self._socketio = socketio

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self._socketio.emit(event, payload, to=to)


class _Partial:
    __slots__ = ("last_sent_at", "sent_text", "pending", "timer", "closed")

    def __init__(self) -> None:
        self.last_sent_at = 0.0
        self.sent_text = ""
        self.pending: str | None = None
        self.timer: Any = None
        self.closed = False


class RunEvents:
    """Emits one run's events to its caller, in order, with an increasing `seq`."""

    def __init__(self, sink: EventSink, to: str | None, run_id: str, *, stream_interval: float,
                 delta_stream: bool = False, secrets: list[str] | None = None,
                 target: str | None = None) -> None:
        self._sink = sink
        self._to = to
        self.run_id = run_id
        self._interval = stream_interval
        self._delta = delta_stream
        self._secrets = sorted((s for s in (secrets or []) if len(s) >= 4), key=len, reverse=True)
        self._target = target
        self._seq = 0
        self._lock = concurrency.lock()
        self._partials: dict[str, _Partial] = {}
        self._closed = False

    # ---- plumbing --------------------------------------------------------------------------
    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _emit(self, event: str, payload: dict[str, Any]) -> None:
        with self._lock:
            if self._closed:
                return
            self._seq += 1
            payload["runId"] = self.run_id
            payload["seq"] = self._seq
            self._sink.emit(event, payload, self._to)

    # ---- node events -----------------------------------------------------------------------
    def node_running(self, name: str) -> None:
        self._emit("current_node_running", {"instanceName": name, "isDone": False})

    def node_partial(self, name: str, text: str) -> None:
        with self._lock:
            state = self._partials.setdefault(name, _Partial())
            if state.closed:
                return
            wait = state.last_sent_at + self._interval - time.monotonic()
            if wait <= 0:
                self._send_partial(name, state, text)
                return
            state.pending = text
            if state.timer is None:
                state.timer = concurrency.spawn_later(wait, self._flush, name)

    def _flush(self, name: str) -> None:
        with self._lock:
            state = self._partials.get(name)
            if state is None:
                return
            state.timer = None
            if state.pending is not None and not state.closed:
                self._send_partial(name, state, state.pending)

    def _send_partial(self, name: str, state: _Partial, text: str) -> None:
        payload: dict[str, Any] = {"instanceName": name, "isDone": False}
        if self._delta and text.startswith(state.sent_text):
            payload["delta"] = text[len(state.sent_text):]
            payload["offset"] = len(state.sent_text)
        else:
            payload["output"] = text
        state.sent_text = text
        state.pending = None
        state.last_sent_at = time.monotonic()
        self._emit("progress", payload)

    def _close_partials(self, name: str) -> None:
        with self._lock:
            state = self._partials.pop(name, None)
            if state is not None:
                state.closed = True
                if state.timer is not None:
                    state.timer.kill()

    def node_done(self, name: str, output: Any, duration: float) -> None:
        self._close_partials(name)
        payload: dict[str, Any] = {"instanceName": name, "isDone": True, "duration": round(duration, 6)}
        if output is not None:
            payload["output"] = output
        self._emit("progress", payload)

    def node_error(self, name: str, message: str) -> None:
        self._close_partials(name)
        payload: dict[str, Any] = {"instanceName": name, "isDone": False, "error": self.redact(message)}
        if self._target is not None:
            payload["nodeName"] = self._target
        self._emit("error", payload)

    def run_end(self, outputs: dict[str, Any], *, status: str) -> None:
        self._emit("run_end", {"output": outputs, "status": status, "cancelled": status in ("cancelled", "interrupted")})
        with self._lock:
            self._closed = True
            for state in self._partials.values():
                state.closed = True
                if state.timer is not None:
                    state.timer.kill()
            self._partials.clear()
