"""One connection pool per provider, shared by every key's SDK client: TCP_NODELAY, bounded, idle sockets closed.

httpcore closes an expired keep-alive connection only when the pool is used again, so after a burst the
sockets would stay open while the server is idle. PooledTransport counts the requests in flight and, once
none has been made for PROVIDER_KEEPALIVE_S, closes its inner pool (rebuilt, cheaply, on the next request).
The pool is split into a few shards, one chosen by the request's key (so one user's calls reuse their
connections): httpcore checks every pooled connection (one poll() each, and a count of the idle ones for
each) whenever it hands out a connection, so one pool of 100 connections costs more per request than
eight of 13. That poll is a real one (app.providers.green_backend): gevent's would switch tasks.
The OpenAI and Replicate SDKs use `httpx`, Anthropic's uses `httpx2`: `lib` is whichever module a SDK wants.
"""

from __future__ import annotations

import socket
import threading
import time
from types import ModuleType
from typing import Any, Callable, Iterator

from app import concurrency
from app.providers.green_backend import core_of, network_backend
from app.settings import Settings

_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
_SHARD_SIZE = 16  # connections per shard (at most 8 shards)


class _Tracked:
    """A response body that tells its pool when it is closed (read to the end, or dropped)."""

    def __init__(self, stream: Any, done: Callable[[], None]) -> None:
        self._stream = stream
        self._done: Callable[[], None] | None = done

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()


def _caller(request: Any) -> str:
    headers = request.headers
    return headers.get("authorization") or headers.get("x-api-key") or ""


class PooledTransport:
    """Mixed with `lib.BaseTransport` by `pooled_transport`; SDK clients may close it: that is a no-op."""

    lib: ModuleType
    tracked: type  # _Tracked mixed with lib.SyncByteStream (httpx checks the type of a response's stream)

    def __init__(self, size: int, keepalive: float) -> None:
        self._size = size
        self._keepalive = keepalive
        self._ssl = self.lib.create_ssl_context()  # built once: rebuilding the pool stays cheap
        self._shards: list[Any] = []
        self._lock = threading.Lock()  # green under gevent/eventlet (monkey-patched)
        self._busy = 0
        self._last_used = 0.0
        self._sweeping = False

    def _build(self) -> list[Any]:
        count = max(1, min(8, self._size // _SHARD_SIZE))
        per_shard = -(-self._size // count)
        core = core_of(self.lib)
        shards = []
        for _ in range(count):
            shard = self.lib.HTTPTransport(verify=self._ssl, socket_options=_NODELAY)
            # httpx takes no network backend (yet): its pool is swapped for one like it on the green-safe backend
            shard._pool = core.ConnectionPool(
                ssl_context=self._ssl, max_connections=per_shard, max_keepalive_connections=per_shard,
                keepalive_expiry=self._keepalive, socket_options=_NODELAY, network_backend=network_backend(core))
            shards.append(shard)
        return shards

    def handle_request(self, request: Any) -> Any:
        with self._lock:
            if not self._shards:
                self._shards = self._build()
            inner = self._shards[hash(_caller(request)) % len(self._shards)]
            self._busy += 1
        try:
            response = inner.handle_request(request)
        except BaseException:
            self._done()
            raise
        return self.lib.Response(status_code=response.status_code, headers=response.headers,
                                 stream=self.tracked(response.stream, self._done), extensions=response.extensions)

    def _done(self) -> None:
        with self._lock:
            self._busy -= 1
            self._last_used = time.monotonic()
            if self._busy or self._sweeping:
                return
            self._sweeping = True
        concurrency.spawn_later(self._keepalive + 0.5, self._sweep)

    def _sweep(self) -> None:
        with self._lock:
            idle_for = time.monotonic() - self._last_used
            if self._busy:
                self._sweeping = False  # the request in flight schedules the next sweep when it ends
                return
            if idle_for < self._keepalive:
                concurrency.spawn_later(self._keepalive - idle_for + 0.5, self._sweep)
                return
            self._sweeping = False
            shards, self._shards = self._shards, []
        for shard in shards:
            shard.close()

    def close(self) -> None:
        """Called by SDK clients that close their http client: the pool is shared, so it stays."""


_types: dict[str, type] = {}
_pools: dict[tuple[str, str, int, float], PooledTransport] = {}
_pools_lock = threading.Lock()


def pooled_transport(lib: ModuleType, name: str, settings: Settings) -> Any:
    """The shared transport of provider `name` for HTTP library `lib` (httpx or httpx2)."""
    key = (lib.__name__, name, settings.provider_concurrency_total, settings.provider_keepalive_s)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            kind = _types.get(lib.__name__)
            if kind is None:
                tracked = type(f"Tracked_{lib.__name__}", (_Tracked, lib.SyncByteStream), {})
                kind = _types[lib.__name__] = type(f"Pooled_{lib.__name__}", (PooledTransport, lib.BaseTransport),
                                                   {"lib": lib, "tracked": tracked})
            pool = _pools[key] = kind(settings.provider_concurrency_total, settings.provider_keepalive_s)
        return pool
