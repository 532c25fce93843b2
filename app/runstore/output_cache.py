"""OutputCache: node outputs by key in the run store's database, bounded by CACHE_MAX_MB, least recently used
evicted first. Reads are one primary-key lookup; writes and use-time updates happen off the run's path."""

from __future__ import annotations

import logging
from collections import deque
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


@dataclass(frozen=True, slots=True)
class CachedOutput:
    output: Any
    created_at: datetime
    run_id: str | None


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
        with Session(engine) as session:
            self.total_bytes = int(session.scalar(select(func.coalesce(func.sum(CacheRow.size_bytes), 0))) or 0)

    def get(self, key: str) -> CachedOutput | None:
        row = concurrency.run_blocking(self._read, key)
        if row is not None:
            with self._lock:
                self._touched.add(key)
        return row

    def _read(self, key: str) -> CachedOutput | None:
        with Session(self.engine) as session:
            row = session.get(CacheRow, key)
            if row is None:
                return None
            return CachedOutput(row.output, aware(row.created_at) or datetime.now(timezone.utc), row.run_id)

    def put(self, key: str, processor_type: str, output: Any, run_id: str | None) -> None:
        """Keep an output (in the background); one larger than a tenth of the cache is not kept."""
        if len(self._queue) >= self._max_queue:
            return  # the database cannot keep up: a later miss costs less than a stalled run
        self._queue.append((key, processor_type, output, run_id))
        self._idle.clear()
        if self._writer is None:
            self._writer = concurrency.spawn(self._write_loop)
        self._wake.set()

    def _write_loop(self) -> None:
        while True:
            self._wake.wait(1.0)
            self._wake = concurrency.event()
            while self._queue:
                item = self._queue.popleft()
                try:
                    concurrency.run_blocking(self._write, *item)
                except Exception:  # noqa: BLE001 - a cache that cannot write only costs a later miss
                    log.warning("output cache: an output was not kept", exc_info=True)
            if not self._queue:
                self._idle.set()

    def settle(self, timeout: float = 10) -> bool:
        """Wait until every queued output is written (tests, shutdown)."""
        return bool(self._idle.wait(timeout))

    def _write(self, key: str, processor_type: str, output: Any, run_id: str | None) -> None:
        size = _size(output)
        if size > self.max_bytes // 10:
            return
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
            self._evict(session)

    def _evict(self, session: Session) -> None:
        """Drop least recently used entries until the cache fits in max_bytes."""
        while self.total_bytes > self.max_bytes:
            oldest = list(session.execute(select(CacheRow.key, CacheRow.size_bytes)
                                          .order_by(CacheRow.last_used_at, CacheRow.key).limit(100)))
            if not oldest:
                self.total_bytes = 0
                return
            dropped: list[str] = []
            for key, size in oldest:
                if self.total_bytes <= self.max_bytes:
                    break
                dropped.append(key)
                self.total_bytes -= size
            session.execute(delete(CacheRow).where(CacheRow.key.in_(dropped)))

    def forget(self, key: str) -> None:
        """Drop one entry (its stored file is gone)."""
        with Session(self.engine) as session, session.begin():
            row = session.get(CacheRow, key)
            if row is not None:
                self.total_bytes -= row.size_bytes
                session.delete(row)

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(CacheRow)) or 0)
