"""OutputCache: node outputs by key in the run store's database, bounded by CACHE_MAX_MB, least recently used
evicted first, with the most recently used ones also in memory. Reads are a dict lookup or one primary-key
select; writes and use-time updates happen off the run's path."""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from app import concurrency
from app.runstore.models import CacheRow
from app.runstore.records import aware

log = logging.getLogger(__name__)


#: The in-memory front of the cache, at most this many bytes (of JSON) of outputs.
MEMORY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CachedOutput:
    output: Any
    created_at: datetime
    run_id: str | None
    size_bytes: int


_FORGET = object()  # a queued deletion


def _size(output: Any) -> int:
    return len(orjson.dumps(output, default=str, option=orjson.OPT_NON_STR_KEYS))


class OutputCache:
    """get() is called on the run's path; put() queues, and one background task writes (so the size
    accounting has a single writer)."""

    def __init__(self, engine: Engine, max_bytes: int, max_queue: int = 1000) -> None:
        self.engine = engine
        self.max_bytes = max_bytes
        self._lock = concurrency.lock()
        self._touched: set[str] = set()
        self._queue: deque[tuple[str, str, Any, str | None]] = deque()
        self._max_queue = max_queue
        self._wake = concurrency.event()
        self._writer: concurrency.Task | None = None
        self._idle = concurrency.event()
        self._idle.set()
        self._memory: OrderedDict[str, CachedOutput] = OrderedDict()  # touched only by green threads
        self._memory_bytes = 0
        self._memory_max = min(MEMORY_BYTES, max_bytes)
        with Session(engine) as session:
            self.total_bytes = int(session.scalar(select(func.coalesce(func.sum(CacheRow.size_bytes), 0))) or 0)

    def get(self, key: str) -> CachedOutput | None:
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
        if hit is None:
            hit = concurrency.run_blocking(self._read, key)
            if hit is not None:
                self._remember(key, hit)
        if hit is not None:
            with self._lock:
                self._touched.add(key)
        return hit

    def recall(self, key: str) -> CachedOutput | None:
        """The entry if it is in memory (no database read)."""
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
                self._touched.add(key)
        return hit

    def _remember(self, key: str, entry: CachedOutput) -> None:
        if entry.size_bytes > self._memory_max // 10:
            return
        with self._lock:
            old = self._memory.pop(key, None)
            self._memory_bytes += entry.size_bytes - (old.size_bytes if old else 0)
            self._memory[key] = entry
            while self._memory_bytes > self._memory_max and self._memory:
                self._memory_bytes -= self._memory.popitem(last=False)[1].size_bytes

    def _drop(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                old = self._memory.pop(key, None)
                if old is not None:
                    self._memory_bytes -= old.size_bytes

    def _read(self, key: str) -> CachedOutput | None:
        query = select(CacheRow.output, CacheRow.created_at, CacheRow.run_id, CacheRow.size_bytes).where(
            CacheRow.key == key)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return CachedOutput(row.output, aware(row.created_at) or datetime.now(timezone.utc), row.run_id,
                            row.size_bytes)

    def put(self, key: str, processor_type: str, output: Any, run_id: str | None) -> None:
        """Keep an output (in the background); one larger than a tenth of the cache is not kept."""
        if len(self._queue) >= self._max_queue:
            return  # the database cannot keep up: a later miss costs less than a stalled run
        self._enqueue((key, processor_type, output, run_id))

    def forget(self, key: str) -> None:
        """Drop one entry (its stored file is gone)."""
        self._drop([key])
        self._enqueue((key, None, _FORGET, None))

    def _enqueue(self, item: tuple[str, str | None, Any, str | None]) -> None:
        self._queue.append(item)
        self._idle.clear()
        if self._writer is None:
            self._writer = concurrency.spawn(self._write_loop)
        self._wake.set()

    def _write_loop(self) -> None:
        while True:
            self._wake.wait(1.0)
            self._wake = concurrency.event()
            while self._queue:
                key, processor_type, output, run_id = self._queue.popleft()
                try:
                    if output is _FORGET:
                        concurrency.run_blocking(self._delete, key)
                        continue
                    kept, evicted = concurrency.run_blocking(self._write, key, processor_type or "", output, run_id)
                except Exception:  # noqa: BLE001 - a cache that cannot write only costs a later miss
                    log.warning("output cache: an output was not kept", exc_info=True)
                    continue
                self._drop(evicted)
                if kept is not None:
                    self._remember(key, kept)
            if not self._queue:
                self._idle.set()

    def settle(self, timeout: float = 10) -> bool:
        """Wait until every queued output is written (tests, shutdown)."""
        return bool(self._idle.wait(timeout))

    def _write(self, key: str, processor_type: str, output: Any,
               run_id: str | None) -> tuple[CachedOutput | None, list[str]]:
        """(the entry kept, or None when too large; the keys evicted to make room)."""
        size = _size(output)
        if size > self.max_bytes // 10:
            return None, []
        now = datetime.now(timezone.utc)
        with self._lock:
            touched, self._touched = self._touched, set()
        with Session(self.engine) as session, session.begin():
            if touched:
                session.execute(update(CacheRow).where(CacheRow.key.in_(touched)).values(last_used_at=now))
            old = session.get(CacheRow, key)
            if old is not None:
                self.total_bytes -= old.size_bytes
                session.delete(old)
                session.flush()
            session.add(CacheRow(key=key, processor_type=processor_type, output=output, size_bytes=size,
                                 created_at=now, last_used_at=now, run_id=run_id))
            self.total_bytes += size
            evicted = self._evict(session)
        return CachedOutput(output, now, run_id, size), evicted

    def _evict(self, session: Session) -> list[str]:
        """Drop least recently used entries until the cache fits in max_bytes; returns their keys."""
        evicted: list[str] = []
        while self.total_bytes > self.max_bytes:
            oldest = list(session.execute(select(CacheRow.key, CacheRow.size_bytes)
                                          .order_by(CacheRow.last_used_at, CacheRow.key).limit(100)))
            if not oldest:
                self.total_bytes = 0
                break
            dropped: list[str] = []
            for key, size in oldest:
                if self.total_bytes <= self.max_bytes:
                    break
                dropped.append(key)
                self.total_bytes -= size
            session.execute(delete(CacheRow).where(CacheRow.key.in_(dropped)))
            evicted += dropped
        return evicted

    def _delete(self, key: str) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(CacheRow, key)
            if row is not None:
                self.total_bytes -= row.size_bytes
                session.delete(row)
