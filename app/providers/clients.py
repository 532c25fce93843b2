"""SDK clients reused per (provider, base URL, key): building one costs tens of ms of CPU, using one is free.

A cached client is thin: its sockets live in the provider's shared pool (app.providers.http_pool), which
closes them when idle. Evicting a client (LRU beyond MAX_CLIENTS, or after CLIENT_TTL_S) therefore only
drops it; it is not closed, because a node may still be streaming through it. The cache key holds a digest
of the API key, never the key.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from cachetools import TTLCache

from app.providers.common import key_fingerprint

MAX_CLIENTS = 512
CLIENT_TTL_S = 3600.0

_clients: TTLCache[tuple[str, str, str], Any] = TTLCache(maxsize=MAX_CLIENTS, ttl=CLIENT_TTL_S)
_lock = threading.Lock()  # green under gevent/eventlet (monkey-patched); held only around dict access


def cached_client(provider: str, base_url: str | None, api_key: str, build: Callable[[], Any]) -> Any:
    """The client for this provider, base URL and key; `build()` makes one on a miss."""
    key = (provider, base_url or "", key_fingerprint(api_key))
    with _lock:
        client = _clients.get(key)
    if client is None:
        client = build()
        with _lock:
            client = _clients.setdefault(key, client)
    return client


def cached_count() -> int:
    with _lock:
        return len(_clients)
