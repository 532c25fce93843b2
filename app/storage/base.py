"""The storage interface every backend implements."""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from datetime import datetime, timezone

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(stem: str, extension: str) -> str:
    """A unique, filesystem- and URL-safe file name built from a node name and an extension."""
    clean = _UNSAFE.sub("-", stem).strip("-.")[:60] or "file"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    ext = _UNSAFE.sub("", extension.lstrip("."))[:10] or "bin"
    return f"{clean}-{stamp}-{uuid.uuid4().hex[:8]}.{ext}"


class Storage(ABC):
    @abstractmethod
    def save(self, filename: str, data: bytes, *, base_url: str | None = None,
             content_type: str | None = None) -> str:
        """Store bytes under `filename` (already safe) and return a URL the browser can open."""

    @abstractmethod
    def read(self, url: str) -> bytes | None:
        """The bytes of a file we stored, given its URL; None when the URL is not ours."""
