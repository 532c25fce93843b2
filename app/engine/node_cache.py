"""Serving a node from the output cache, and keeping what it computed: the scheduler's side of the cache."""

from __future__ import annotations

import logging
from typing import Any

from app.engine.cache_keys import cache_key
from app.nodes.registry import ProcessorRegistry
from app.nodes.spec import Node

log = logging.getLogger(__name__)


class NodeCache:
    """One run's use of the server's OutputCache (app/runstore/output_cache.py)."""

    def __init__(self, cache: Any, storage: Any, registry: ProcessorRegistry, *, mock: bool) -> None:
        self._cache = cache
        self._storage = storage
        self._registry = registry
        self._mock = mock

    def key_for(self, node: Node, outputs: dict[str, Any]) -> str | None:
        """The node's key, or None when it is not to be cached (instant, or declared uncacheable and not pinned)."""
        cls = self._registry.get(node.processorType)
        if cls.instant or not (cls.cacheable or node.get("cachePinned") is True):
            return None
        fed = [(edge.inputName, edge.inputNodeOutputKey, outputs.get(edge.inputNode)) for edge in node.inputs]
        return cache_key(node, cls.cache_version, fed, mock=self._mock)

    def lookup(self, key: str) -> tuple[Any, str] | None:
        """(output, when it was computed) on a hit whose stored files are all still there."""
        return self._checked(key, self._cache.get(key))

    def recall(self, key: str) -> tuple[Any, str] | None:
        """The same from the cache's memory only, when that needs no waiting at all: None when it is not in
        memory, or when it links to stored files (checking them is I/O: lookup() does that off the run's lock)."""
        hit = self._cache.recall(key)
        if hit is None or _has_links(hit.output):
            return None
        return self._checked(key, hit)

    def _checked(self, key: str, hit: Any) -> tuple[Any, str] | None:
        if hit is None:
            return None
        output = self._revalidate(hit.output)
        if output is _GONE:
            log.info("output cache: entry %s points at a file that is gone", key[:12])
            self._cache.forget(key)
            return None
        return output, hit.created_at.isoformat()

    def keep(self, key: str, node: Node, output: Any, run_id: str) -> None:
        self._cache.put(key, node.processorType, output, run_id)

    def _revalidate(self, value: Any) -> Any:
        """The value with each link to a stored file renewed; _GONE if one of those files is gone."""
        if isinstance(value, str):
            if self._storage is None or not ("://" in value or value.startswith("/image/")):
                return value
            fresh = self._storage.revalidate(value)
            return _GONE if fresh is None else fresh
        if isinstance(value, list):
            items = [self._revalidate(item) for item in value]
            return _GONE if any(item is _GONE for item in items) else items
        if isinstance(value, dict):
            entries = {key: self._revalidate(item) for key, item in value.items()}
            return _GONE if any(item is _GONE for item in entries.values()) else entries
        return value


_GONE = object()


def _has_links(value: Any) -> bool:
    if isinstance(value, str):
        return "://" in value or value.startswith("/image/")
    if isinstance(value, list):
        return any(_has_links(item) for item in value)
    if isinstance(value, dict):
        return any(_has_links(item) for item in value.values())
    return False
