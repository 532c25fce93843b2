"""Local folder storage: files served back by GET /image/<name>, uploads received by POST /upload/local."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import secrets
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Callable
from urllib.parse import quote, unquote, urlsplit

from app import concurrency
from app.errors import UserError
from app.settings import Settings
from app.storage.base import Storage, UploadLink, max_upload_bytes, new_upload_key
from app.storage.media_types import CONTENT_TYPES

#: Hidden sub-folder for uploads still streaming in (never served; stale ones are swept).
INCOMING = ".incoming"
#: Route the browser posts local uploads to (app/web/routes/uploads.py).
UPLOAD_ROUTE = "/upload/local"
_UPLOAD_KEY = re.compile(r"^uploads/[0-9a-f]{32}\.([a-z0-9]{1,12})$")
_FIELDS = ("key", "expires", "max-size", "signature")


#: Longest stored name (path) and longest part of it, in bytes (the file system's own limits are near).
MAX_NAME_BYTES = 1024
MAX_PART_BYTES = 255


def name_too_long(name: str) -> bool:
    """Whether a stored name is longer than any this storage writes (the OS would refuse it)."""
    return len(name.encode()) > MAX_NAME_BYTES or any(len(part.encode()) > MAX_PART_BYTES
                                                       for part in name.split("/"))


@dataclass(frozen=True)
class UploadTicket:
    """A verified local upload form: where the file goes and how large it may be."""

    key: str
    max_bytes: int


class LocalStorage(Storage):
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.folder: Path = settings.local_storage_dir
        self._clock = clock
        # Upload forms are signed with a key derived from FLASK_SECRET_KEY (links survive restarts),
        # or from a random secret of this process when none is set (as Flask's own secret then is).
        secret = settings.flask_secret_key or secrets.token_hex(32)
        self._signing_key = hmac.new(secret.encode(), b"aiflow local upload v1", hashlib.sha256).digest()

    # ---- names and URLs ---------------------------------------------------------------------
    def _base(self, base_url: str | None) -> str:
        if self.settings.public_url:
            return self.settings.public_url.rstrip("/")
        if base_url:
            return base_url.rstrip("/")
        host = self.settings.host
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "") else host
        return f"http://{shown}:{self.settings.port}"

    def url_for(self, name: str, base_url: str | None = None) -> str:
        return f"{self._base(base_url)}/image/{quote(name)}"

    def target_of(self, name: str) -> Path | None:
        """Where `name` lives inside the folder, or None if it is not a plain relative name
        (absolute, `..`, hidden parts, backslashes, NUL) or resolves outside the folder."""
        if not name or "\\" in name or "\x00" in name or name.startswith("/") or name_too_long(name):
            return None
        parts = PurePosixPath(name).parts
        if not parts or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            return None
        folder = self.folder.resolve()
        candidate = (folder / Path(*parts)).resolve()
        if folder not in candidate.parents:
            return None
        return candidate

    def path_of(self, name: str) -> Path | None:
        """The file's path if `name` names an existing file inside the folder (no traversal)."""
        candidate = self.target_of(name)
        return candidate if candidate is not None and candidate.is_file() else None

    # ---- Storage ----------------------------------------------------------------------------
    def save(self, filename: str, data: bytes | IO[bytes], *, base_url: str | None = None,
             content_type: str | None = None) -> str:
        target = self.target_of(filename)
        if target is None:
            raise ValueError(f"unsafe storage name {filename!r}")
        tmp, handle = self.open_incoming()
        try:
            with handle:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    concurrency.run_blocking(handle.write, data)
                else:
                    concurrency.run_blocking(shutil.copyfileobj, data, handle, 1048576)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return self.url_for(filename, base_url)

    def read(self, url: str) -> bytes | None:
        name = self._name_in(url)
        if name is None:
            return None
        path = self.path_of(name)
        if path is not None:
            return concurrency.run_blocking(path.read_bytes)
        if self._addresses_us(url):
            raise UserError(f"The file '{name}' is no longer stored on this server.")
        return None

    def revalidate(self, url: str) -> str | None:
        name = self._name_in(url)
        if name is None or self.path_of(name) is not None:
            return url
        return None

    def _name_in(self, url: str) -> str | None:
        """The stored name in a URL of the form <anything>/image/<name>, or None."""
        try:
            path = urlsplit(url).path
        except ValueError:
            return None
        prefix = urlsplit(self.settings.public_url).path.rstrip("/") if self.settings.public_url else ""
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix):]
        if not path.startswith("/image/"):
            return None
        return unquote(path.removeprefix("/image/")) or None

    def _addresses_us(self, url: str) -> bool:
        parts = urlsplit(url)
        if self.settings.public_url and parts.netloc == urlsplit(self.settings.public_url).netloc:
            return True
        host = parts.hostname or ""
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        return loopback and parts.port == self.settings.port

    # ---- uploads ----------------------------------------------------------------------------
    def upload_link(self, filename: str | None, base_url: str | None = None) -> UploadLink:
        key = new_upload_key(filename)
        expires = str(int(self._clock()) + self.settings.upload_link_expiry_s)
        max_size = str(max_upload_bytes(self.settings))
        fields = {"key": key, "expires": expires, "max-size": max_size,
                  "signature": self._sign(key, expires, max_size)}
        upload = {"url": f"{self._base(base_url)}{UPLOAD_ROUTE}", "fields": fields}
        return upload, self.url_for(key, base_url)

    def _sign(self, key: str, expires: str, max_size: str) -> str:
        message = "\n".join((key, expires, max_size)).encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    def verify_upload(self, fields: dict[str, str]) -> UploadTicket:
        """Check a posted form's signature and expiry; UserError (403) when it is not valid."""
        missing = [name for name in _FIELDS if not fields.get(name)]
        if missing:
            raise UserError(f"Upload refused: the form lacks {', '.join(repr(m) for m in missing)} "
                            "(ask GET /upload for a new upload form).", status=403)
        key, expires, max_size = fields["key"], fields["expires"], fields["max-size"]
        expected = self._sign(key, expires, max_size)
        if not hmac.compare_digest(expected, fields["signature"]):
            raise UserError("Upload refused: the upload form's signature does not match.", status=403)
        match = _UPLOAD_KEY.match(key)
        if match is None or match.group(1) not in CONTENT_TYPES or not expires.isdigit() or not max_size.isdigit():
            raise UserError("Upload refused: the upload form is malformed.", status=403)
        if int(expires) < self._clock():
            raise UserError("Upload refused: the upload form has expired; ask GET /upload for a new one.",
                            status=403)
        return UploadTicket(key=key, max_bytes=min(int(max_size), max_upload_bytes(self.settings)))

    def open_incoming(self) -> tuple[Path, IO[bytes]]:
        """A new hidden temporary file in the folder (same file system, so commit is a rename)."""
        incoming = self.folder / INCOMING
        incoming.mkdir(parents=True, exist_ok=True)
        path = incoming / f"{uuid.uuid4().hex}.part"
        return path, open(path, "xb")

    def commit(self, tmp: Path, key: str) -> None:
        """Move a completely received upload into place; refuses to replace an existing file."""
        target = self.target_of(key)
        if target is None:
            raise UserError("Upload refused: the upload form is malformed.", status=403)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(tmp, target)  # atomic, and fails if the key was already used
        except FileExistsError:
            raise UserError("Upload refused: this upload form was already used.", status=409) from None
        except OSError:  # file systems without hard links
            if target.exists():
                raise UserError("Upload refused: this upload form was already used.", status=409) from None
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
