"""Local folder storage, served back by GET /image/<filename>."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from app.settings import Settings
from app.storage.base import Storage


class LocalStorage(Storage):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder: Path = settings.local_storage_dir

    def _base(self, base_url: str | None) -> str:
        base = self.settings.public_url or base_url or f"http://localhost:{self.settings.port}"
        return base.rstrip("/")

    def path_of(self, filename: str) -> Path | None:
        """The file's path if `filename` names a file inside the folder (no traversal)."""
        candidate = (self.folder / filename).resolve()
        folder = self.folder.resolve()
        if folder not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def save(self, filename: str, data: bytes, *, base_url: str | None = None,
             content_type: str | None = None) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / filename).write_bytes(data)
        return f"{self._base(base_url)}/image/{quote(filename)}"

    def read(self, url: str) -> bytes | None:
        path = urlsplit(url).path
        if not path.startswith("/image/"):
            return None
        found = self.path_of(unquote(path.removeprefix("/image/")))
        return found.read_bytes() if found else None
