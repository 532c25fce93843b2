"""Values too large for one event: stored as a file, sent as its link (`largeOutputs` says which)."""

from __future__ import annotations

import logging
from typing import Any

from app import concurrency
from app.storage.base import Storage, safe_name

log = logging.getLogger(__name__)

#: run_end repeats no output above this size: it sends the link instead.
RUN_END_INLINE_BYTES = 64 * 1024


def text_size(value: str, limit: int) -> int:
    """The UTF-8 size of `value`, computed exactly only when it could exceed `limit`."""
    return len(value) if len(value) * 4 <= limit else len(value.encode("utf-8"))


class LargeValues:
    """Stores the oversize text outputs of one run once each; hands back (output, refs) for an event."""

    def __init__(self, storage: Storage | None, base_url: str | None, limit_bytes: int) -> None:
        self._storage = storage
        self._base_url = base_url
        self.limit = limit_bytes
        self._links: dict[tuple[str, int | None], dict[str, Any]] = {}

    def shrink(self, name: str, output: Any, limit: int | None = None) -> tuple[Any, list[dict[str, Any]]]:
        """`output` with every text over `limit` bytes replaced by its stored link, and those links."""
        limit = self.limit if limit is None else limit
        if self._storage is None:
            return output, []
        if isinstance(output, str):
            ref = self._ref(name, None, output, limit)
            return (ref["url"], [ref]) if ref else (output, [])
        if isinstance(output, list) and any(isinstance(item, str) and len(item) > limit // 4 for item in output):
            shrunk, refs = [], []
            for index, item in enumerate(output):
                ref = self._ref(name, index, item, limit) if isinstance(item, str) else None
                shrunk.append(ref["url"] if ref else item)
                refs += [ref] if ref else []
            return shrunk, refs
        return output, []

    def _ref(self, name: str, index: int | None, text: str, limit: int) -> dict[str, Any] | None:
        if (known := self._links.get((name, index))) is not None:
            return known
        size = text_size(text, limit)
        if size <= limit:
            return None
        data = text.encode("utf-8")
        filename = safe_name(f"{name}-output", "txt")
        url = concurrency.run_blocking(self._save, filename, data)
        ref = {"index": index, "url": url, "bytes": len(data), "contentType": "text/plain; charset=utf-8"}
        self._links[(name, index)] = ref
        return ref

    def _save(self, filename: str, data: bytes) -> str:
        assert self._storage is not None
        return self._storage.save(filename, data, base_url=self._base_url,
                                  content_type="text/plain; charset=utf-8")

    def run_end_outputs(self, results: dict[str, Any]) -> dict[str, Any]:
        """run_end's `output`: small outputs as they are, large ones by link (never a second copy)."""
        return {name: self.shrink(name, value, RUN_END_INLINE_BYTES)[0] for name, value in results.items()}
