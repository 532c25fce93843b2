"""A run's events as Server-Sent Events: `id` is the seq; missed events first, then live ones; heartbeats."""

from __future__ import annotations

import queue
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from app import concurrency
from app.engine.channel import Delivered, RunChannel

#: Events written per chunk when many wait (a replay, a burst): fewer, larger writes.
BATCH = 256
HEARTBEAT = b": heartbeat\n\n"
OPENED = b": stream opened\n\n"
LAGGED = b": this client fell too far behind and is dropped; reconnect with Last-Event-ID\n\n"
_END = object()  # queued when the channel has ended, or when the follower fell too far behind
_LAGGED = object()


def sse(seq: int, name: str, payload: dict[str, Any]) -> bytes:
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (seq, name.encode(), orjson.dumps(payload))


class Follower:
    """A listener on a run's channel that queues its events for one response. The replay it is handed on
    subscribing is queued whole; after that, a follower that lets `max_lag` more events pile up is dropped."""

    def __init__(self, max_lag: int) -> None:
        self.queue = concurrency.queue()
        self._max_lag = max_lag
        self._limit: int | None = None  # set once the replay is queued
        self.dropped = False

    def __call__(self, seq: int, name: str, payload: dict[str, Any]) -> None:
        if self.dropped:
            return
        if self._limit is not None and self.queue.qsize() >= self._limit:
            self.dropped = True
            self.queue.put_nowait(_LAGGED)
            return
        self.queue.put_nowait((seq, name, payload))

    def subscribe(self, channel: RunChannel, after_seq: int) -> None:
        """Listen from `after_seq` on; a channel that has already ended ends the stream after the replay."""
        channel.listen(self, after_seq)
        self._limit = self.queue.qsize() + self._max_lag
        if channel.ended:
            self.queue.put_nowait(_END)


def follow(channel: RunChannel, after_seq: int, *, max_lag: int, heartbeat_s: float) -> Iterator[bytes]:
    """The live stream: what was missed since `after_seq`, then live events, in batches, a heartbeat comment
    while idle; ends after run_end, and stops listening when the client goes away (the server closes this
    generator). It subscribes when the response starts, so a response never sent never listens."""
    follower = Follower(max_lag)
    try:
        follower.subscribe(channel, after_seq)
        yield OPENED
        while True:
            try:
                item = follower.queue.get(timeout=heartbeat_s)
            except queue.Empty:
                yield HEARTBEAT
                continue
            chunk: list[bytes] = []
            while True:
                if item is _LAGGED:
                    yield b"".join(chunk) + LAGGED
                    return
                if item is _END:
                    yield b"".join(chunk)
                    return
                seq, name, payload = item
                chunk.append(sse(seq, name, payload))
                if name == "run_end":
                    yield b"".join(chunk)
                    return
                if len(chunk) >= BATCH:
                    break
                try:
                    item = follower.queue.get_nowait()
                except queue.Empty:
                    break
            yield b"".join(chunk)
    finally:
        channel.unlisten(follower)


def replay(events: Iterable[Delivered]) -> Iterator[bytes]:
    """A finished run's stored events, in batches; the stream ends after them."""
    yield OPENED
    chunk: list[bytes] = []
    for seq, name, payload in events:
        chunk.append(sse(seq, name, payload))
        if len(chunk) >= BATCH:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)


def headers() -> dict[str, str]:
    """No caching, no transformation (compression) by proxies, no buffering by nginx-like proxies."""
    return {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}
