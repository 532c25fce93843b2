"""A run's events as they happen: seq numbers, throttled partials, keys redacted; published on its channel."""

from __future__ import annotations

import time
from typing import Any, Callable

from app import concurrency
from app.engine.channel import RunChannel
from app.engine.event_types import (
    NodeFailed,
    NodeFinished,
    NodeQueued,
    NodeStarted,
    NodeStreamed,
    RunEnded,
    RunEvent,
)
from app.engine.large_values import LargeValues, text_size


def _secrets_to_hide(secrets: list[str] | None) -> list[str]:
    """Longest first (a key that contains another is replaced whole); very short values are not hidden."""
    return sorted((s for s in (secrets or []) if len(s) >= 4), key=len, reverse=True)


def redact_value(value: Any, secrets: list[str]) -> Any:
    """A copy of a JSON-like value with every one of these secrets replaced by *** (for what is stored)."""
    hidden = _secrets_to_hide(secrets)
    if not hidden:
        return value

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            for secret in hidden:
                item = item.replace(secret, "***")
            return item
        if isinstance(item, list):
            return [walk(element) for element in item]
        if isinstance(item, dict):
            return {key: walk(element) for key, element in item.items()}
        return item

    return walk(value)


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
    """Publishes one run's events on its channel, in order, with an increasing `seq`."""

    def __init__(self, channel: RunChannel, *, stream_interval: float, delta_stream: bool = False,
                 secrets: list[str] | None = None, target: str | None = None,
                 large: LargeValues | None = None) -> None:
        self.channel = channel
        self._large = large
        self.run_id = channel.run_id
        self._interval = stream_interval
        self._delta = delta_stream
        self._secrets = _secrets_to_hide(secrets)
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

    def _emit(self, event: RunEvent) -> None:
        with self._lock:
            if self._closed:
                return
            self._seq += 1
            self.channel.publish(self._seq, event)

    # ---- node events -----------------------------------------------------------------------
    def node_running(self, name: str) -> None:
        self._emit(NodeStarted(name))

    def node_waiting(self, name: str, waiting: bool) -> None:
        """The node waits for a provider slot (`queued` progress), or got one (running again)."""
        if waiting:
            self._emit(NodeQueued(name))
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
        tail = "".join(state.parts)
        replacement = state.replacement
        base = state.sent_text if replacement is None else replacement() if callable(replacement) else replacement
        text = base + tail
        if self._delta and (replacement is None or text.startswith(state.sent_text)):
            event = NodeStreamed(name, delta=text[len(state.sent_text):], offset=len(state.sent_text))
        else:
            event = NodeStreamed(name, output=text)
        state.sent_text = text
        state.replacement = None
        state.parts.clear()
        state.last_sent_at = time.monotonic()
        if event.delta is None and self._large is not None and text_size(text, self._large.limit) > self._large.limit:
            state.closed = True  # whole-text partials this large would flood the client; the output comes by link
            return
        self._emit(event)

    def _close_partials(self, name: str) -> None:
        with self._lock:
            state = self._partials.pop(name, None)
            if state is not None:
                state.closed = True
                if state.timer is not None:
                    state.timer.kill()

    def node_done(self, name: str, output: Any, duration: float, cached_at: str | None = None) -> None:
        self._close_partials(name)
        refs: list[dict[str, Any]] = []
        if output is not None and self._large is not None:
            output, refs = self._large.shrink(name, output)
        self._emit(NodeFinished(name, output, duration, refs, cached_at))

    def node_error(self, name: str, message: str) -> None:
        self._close_partials(name)
        self._emit(NodeFailed(name, self.redact(message), self._target))

    def run_end(self, outputs: dict[str, Any], *, status: str) -> None:
        if self._large is not None:
            outputs = self._large.run_end_outputs(outputs)
        self._emit(RunEnded(outputs, status))
        with self._lock:
            self._closed = True
            for state in self._partials.values():
                state.closed = True
                if state.timer is not None:
                    state.timer.kill()
            self._partials.clear()
