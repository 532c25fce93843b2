"""Events of a run on the wire: runId and seq on each, throttled partials, keys redacted."""

from __future__ import annotations

import time
from typing import Any, Callable, Protocol, runtime_checkable

from app import concurrency
from app.engine.large_values import LargeValues, text_size


@runtime_checkable
class EventSink(Protocol):
    """Where events go: a Socket.IO room in the server, a list in tests."""

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None: ...


class SocketIOSink:
    def __init__(self, socketio: Any) -> None:
        self._server = socketio.server  # python-socketio's server: Flask-SocketIO's emit adds nothing a run needs

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self._server.emit(event, payload, to=to, namespace="/")


class _Partial:
    """One node's streamed text: what was sent, and what came since (appended parts, or a whole new text)."""

    __slots__ = ("last_sent_at", "sent_text", "replacement", "parts", "timer", "closed")

    def __init__(self) -> None:
        self.last_sent_at = 0.0
        self.sent_text = ""
        self.replacement: str | Callable[[], str] | None = None  # a whole new text, maybe built lazily
        self.parts: list[str] = []  # appended since sent_text (or since the replacement)
        self.timer: Any = None
        self.closed = False

    @property
    def pending(self) -> bool:
        return self.replacement is not None or bool(self.parts)


class RunEvents:
    """Emits one run's events to its caller, in order, with an increasing `seq`."""

    def __init__(self, sink: EventSink, to: str | None, run_id: str, *, stream_interval: float,
                 delta_stream: bool = False, secrets: list[str] | None = None,
                 target: str | None = None, large: LargeValues | None = None) -> None:
        self._sink = sink
        self._large = large
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

    def node_waiting(self, name: str, waiting: bool) -> None:
        """The node waits for a provider slot (`queued` progress), or got one (running again)."""
        if waiting:
            self._emit("progress", {"instanceName": name, "isDone": False, "queued": True})
        else:
            self.node_running(name)

    def node_partial(self, name: str, text: str | Callable[[], str]) -> None:
        """The node's whole text so far replaces the previous one (a callable is built only if sent)."""
        with self._lock:
            state = self._partials.setdefault(name, _Partial())
            if state.closed:
                return
            state.replacement = text
            state.parts.clear()
            self._send_or_schedule(name, state)

    def node_delta(self, name: str, chunk: str) -> None:
        """The node's text grew by `chunk` (kept as a part; joined only when a partial is sent)."""
        if not chunk:
            return
        with self._lock:
            state = self._partials.setdefault(name, _Partial())
            if state.closed:
                return
            state.parts.append(chunk)
            self._send_or_schedule(name, state)

    def _send_or_schedule(self, name: str, state: _Partial) -> None:
        wait = state.last_sent_at + self._interval - time.monotonic()
        if wait <= 0:
            self._send_partial(name, state)
        elif state.timer is None:
            state.timer = concurrency.spawn_later(wait, self._flush, name)

    def _flush(self, name: str) -> None:
        with self._lock:
            state = self._partials.get(name)
            if state is None:
                return
            state.timer = None
            if state.pending and not state.closed:
                self._send_partial(name, state)

    def _send_partial(self, name: str, state: _Partial) -> None:
        payload: dict[str, Any] = {"instanceName": name, "isDone": False}
        tail = "".join(state.parts)
        replacement = state.replacement
        base = state.sent_text if replacement is None else replacement() if callable(replacement) else replacement
        text = base + tail
        if self._delta and (replacement is None or text.startswith(state.sent_text)):
            payload["delta"] = text[len(state.sent_text):]
            payload["offset"] = len(state.sent_text)
        else:
            payload["output"] = text
        state.sent_text = text
        state.replacement = None
        state.parts.clear()
        state.last_sent_at = time.monotonic()
        if "output" in payload and self._large is not None and text_size(text, self._large.limit) > self._large.limit:
            state.closed = True  # whole-text partials this large would flood the client; the output comes by link
            return
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
            refs: list[dict[str, Any]] = []
            if self._large is not None:
                output, refs = self._large.shrink(name, output)
            payload["output"] = output
            if refs:
                payload["largeOutputs"] = refs
        self._emit("progress", payload)

    def node_error(self, name: str, message: str) -> None:
        self._close_partials(name)
        payload: dict[str, Any] = {"instanceName": name, "isDone": False, "error": self.redact(message)}
        if self._target is not None:
            payload["nodeName"] = self._target
        self._emit("error", payload)

    def run_end(self, outputs: dict[str, Any], *, status: str) -> None:
        if self._large is not None:
            outputs = self._large.run_end_outputs(outputs)
        self._emit("run_end", {"output": outputs, "status": status,
                               "cancelled": status in ("cancelled", "interrupted")})
        with self._lock:
            self._closed = True
            for state in self._partials.values():
                state.closed = True
                if state.timer is not None:
                    state.timer.kill()
            self._partials.clear()
