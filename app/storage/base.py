"""The storage interface every backend implements."""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from datetime import datetime, timezone
from typing import IO, TYPE_CHECKING, Any

from app.storage.media_types import upload_extension

if TYPE_CHECKING:
    from app.settings import Settings

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

#: Folder (local) or key prefix (S3) of files uploaded through GET /upload.
UPLOAD_PREFIX = "uploads/"

#: What GET /upload answers: ({"url": ..., "fields": {...}}, download_link).
UploadLink = tuple[dict[str, Any], str]


def safe_name(stem: str, extension: str) -> str:
    """A unique, filesystem- and URL-safe file name built from a node name and an extension."""
    clean = _UNSAFE.sub("-", stem).strip("-.")[:60] or "file"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    ext = _UNSAFE.sub("", extension.lstrip("."))[:10] or "bin"
    return f"{clean}-{stamp}-{uuid.uuid4().hex[:8]}.{ext}"


def new_upload_key(filename: str | None) -> str:
    """`uploads/<uuid>.<ext>` for a file the user is about to upload (400 if its type is not allowed)."""
    return f"{UPLOAD_PREFIX}{uuid.uuid4().hex}.{upload_extension(filename)}"


def max_upload_bytes(settings: Settings) -> int:
    """MAX_UPLOAD_SIZE_MB in bytes (MiB, like the reference)."""
    return int(settings.max_upload_size_mb * 1024 * 1024)


class Storage(ABC):
    @abstractmethod
    def save(self, filename: str, data: bytes | IO[bytes], *, base_url: str | None = None,
             content_type: str | None = None) -> str:
        """Store bytes (or a binary file, read from its current position) under `filename` (already safe)
        and return a URL the browser can open."""

    @abstractmethod
    def read(self, url: str) -> bytes | None:
        """The bytes of a file we stored, given its URL; None when the URL is not ours.

        Raises UserError when the URL is ours but the file is gone."""

    def revalidate(self, url: str) -> str | None:
        """A link that works now to the same stored file (re-signed where links expire), the URL itself
        when it is not ours, or None when the file is gone (a cached output that points at it is stale)."""
        return url

    @abstractmethod
    def upload_link(self, filename: str | None, base_url: str | None = None) -> UploadLink:
        """Where and how the browser uploads a file called `filename` (an S3-style POST form), and
        the link under which it can then be read. UserError when the file type is not allowed."""
