"""Fetched bodies: spooled to a temporary file past 1 MB, and a server-wide budget of bytes in flight."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from typing import IO, Any

from app import concurrency
from app.errors import UserError

#: Bodies up to this size stay in memory; bigger ones go to a temporary file.
SPOOL_BYTES = 1048576


@dataclass
class FetchResult:
    """A fetched answer. The body is a file: read big ones through open(); content/text() read it whole."""

    url: str
    status: int
    headers: dict[str, str]
    size: int = 0
    body: IO[bytes] = field(default_factory=lambda: tempfile.SpooledTemporaryFile(SPOOL_BYTES))

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (e.g. 'text/plain')."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None

    def open(self) -> IO[bytes]:
        """The body as a binary file, positioned at its start."""
        self.body.seek(0)
        return self.body

    @property
    def content(self) -> bytes:
        """The whole body in memory: for small bodies (pages, JSON, images)."""
        return self.open().read()

    def text(self) -> str:
        encoding = self.charset or "utf-8"
        try:
            return self.content.decode(encoding, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def close(self) -> None:
        self.body.close()

    def __enter__(self) -> FetchResult:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Budget:
    """Bytes being downloaded at once, server-wide: a download reserves its size (declared, else its limit)
    and waits, until its deadline, while the others hold too much."""

    POLL_S = 0.05

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self._lock = concurrency.lock()

    def reserve(self, size: int, url: str, deadline_at: float) -> None:
        if size > self.total:
            raise UserError(f"'{url}' is too large for this server's download budget "
                            f"({self.total / 1048576:g} MB at once, FETCH_BUDGET_MB).")
        while True:
            with self._lock:
                if self.used + size <= self.total:
                    self.used += size
                    return
            if time.monotonic() + self.POLL_S > deadline_at:
                raise UserError(f"The server is busy downloading other files (FETCH_BUDGET_MB="
                                f"{self.total / 1048576:g}); fetching '{url}' could not start in time.")
            concurrency.sleep(self.POLL_S)

    def release(self, size: int) -> None:
        with self._lock:
            self.used -= size
