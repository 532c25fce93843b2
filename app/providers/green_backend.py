"""httpcore network backends whose pooled-connection check never hands the event loop over (gevent, eventlet).

Before it hands out a pooled connection, httpcore asks each of its connections whether the server closed it
(is its socket readable?) with a poll(0), holding the pool's lock. Under gevent or eventlet that poll is the
green one, which goes round the whole event loop even with a zero timeout: under load every request and
every response close waited a loop turn per pooled connection with the lock held, so the runs whose keys
share a pool shard queued behind each other (up to 1.7x slower than others) and the server spent 0.9-1.7 ms of CPU
per call in it. These streams answer the check with a real poll(0) instead (app.concurrency.readable_now).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from app import concurrency


class _Stream:
    """A network stream that hands everything to httpcore's own, except the readability check."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout)  # type: ignore[no-any-return]

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return type(self)(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            sock = self._inner.get_extra_info("socket")
            fileno = -1 if sock is None else sock.fileno()
            return fileno < 0 or concurrency.readable_now(fileno)  # no socket left: as good as closed
        return self._inner.get_extra_info(info)


class _Backend:
    """httpcore's SyncBackend (mixed in by `network_backend`), its streams wrapped in `stream`."""

    stream: type

    def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        return self.stream(super().connect_tcp(*args, **kwargs))  # type: ignore[misc]


_backends: dict[str, Any] = {}


def network_backend(core: ModuleType) -> Any:
    """The backend for httpcore module `core` (httpcore, or httpcore2 for httpx2)."""
    backend = _backends.get(core.__name__)
    if backend is None:
        stream = type(f"GreenSafeStream_{core.__name__}", (_Stream, core.NetworkStream), {})
        kind = type(f"GreenSafeBackend_{core.__name__}", (_Backend, core.SyncBackend), {"stream": stream})
        backend = _backends[core.__name__] = kind()
    return backend


def core_of(lib: ModuleType) -> ModuleType:
    """The httpcore module under an httpx module (httpx -> httpcore, httpx2 -> httpcore2)."""
    return importlib.import_module(lib.__name__.replace("httpx", "httpcore"))
