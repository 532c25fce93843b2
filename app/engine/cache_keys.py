"""A node's cache key: the hash of everything that makes its output (type, version, fields, values fed in)."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from app.nodes.spec import Node
from app.runstore.redaction import is_secret_name

#: Keys of a node's JSON that never change its output: identity, layout, display, earlier results.
NOT_IN_KEY = frozenset({"name", "inputs", "outputData", "x", "y", "position", "width", "height", "selected",
                        "dragging", "lastRun", "isDone", "missingFields", "appearance", "handles", "cachePinned"})


def _dump(value: Any) -> bytes:
    return orjson.dumps(value, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def cache_key(node: Node, version: int, fed: list[tuple[str | None, int | None, Any]], *, mock: bool) -> str:
    """sha256 over the node's type and implementation version, the fields that shape its output (no key,
    no position), and each input as (field, output index, the parent's output)."""
    digest = hashlib.sha256()
    fields = {key: value for key, value in node.model_dump(exclude={"inputs", "outputData"}).items()
              if key not in NOT_IN_KEY and not is_secret_name(key) and value is not None}
    digest.update(_dump({"type": node.processorType, "version": version, "mock": mock, "fields": fields}))
    for field, index, value in fed:
        digest.update(_dump([field, index]))
        digest.update(hashlib.sha256(_dump(value)).digest())
    return digest.hexdigest()
