"""GET /upload (an S3-style upload form for the editor) and POST /upload/local (its target without S3)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

from flask import Blueprint, current_app, jsonify, request
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import (
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
    NeedData,
)

from app.errors import UserError
from app.storage.base import Storage, max_upload_bytes
from app.storage.local import UPLOAD_ROUTE, LocalStorage, UploadTicket

log = logging.getLogger(__name__)
bp = Blueprint("uploads", __name__)

CHUNK = 64 * 1024
FORM_OVERHEAD = 1024 * 1024  # room for the form fields and multipart framing around the file
FIELD_MAX = 4096
MAX_PARTS = 32
DRAIN_MAX = 32 * 1024 * 1024  # read at most this much of a refused body so the client sees the answer


def _storage() -> Storage:
    return current_app.extensions["injector"].get(Storage)


@bp.get("/upload")
def upload_link():  # type: ignore[no-untyped-def]
    upload, download = _storage().upload_link(request.args.get("filename"), base_url=request.host_url)
    return jsonify({"upload_data": upload, "download_link": download})


@bp.post(UPLOAD_ROUTE)
def receive_upload():  # type: ignore[no-untyped-def]
    storage = _storage()
    if not isinstance(storage, LocalStorage):
        raise UserError("Uploads go to the configured S3 bucket, not to this server.", status=404)
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary", "")
    if mimetype != "multipart/form-data" or not boundary or not boundary.isascii() or len(boundary) > 200:
        raise UserError("Upload refused: send the form as multipart/form-data.")
    body_limit = max_upload_bytes(storage.settings) + FORM_OVERHEAD
    stream = request.stream
    if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # The WSGI server decodes the chunks and ends the input; werkzeug only trusts that when the
        # server says so (gevent does, eventlet does not). Our own byte count is the limit here.
        stream = request.environ["wsgi.input"]
    if request.content_length is not None and request.content_length > body_limit:
        if request.content_length <= DRAIN_MAX:
            _drain(stream)
        raise _too_large(storage)
    receiver = _Receiver(storage, boundary.encode("ascii"), body_limit)
    try:
        receiver.run(stream)
    except UserError:
        receiver.discard()
        _drain(stream)
        raise
    except ValueError:  # malformed multipart
        receiver.discard()
        _drain(stream)
        raise UserError("Upload refused: the multipart form could not be parsed.") from None
    except BaseException:
        receiver.discard()
        raise
    return "", 204


def _too_large(storage: LocalStorage) -> UserError:
    limit = storage.settings.max_upload_size_mb
    return UserError(f"Upload refused: the file is larger than the limit of {limit:g} MB "
                     "(MAX_UPLOAD_SIZE_MB).", status=413)


def _drain(stream: IO[bytes]) -> None:
    """Read (and drop) what the client is still sending, up to a bound, so it can read our answer."""
    remaining = DRAIN_MAX
    try:
        while remaining > 0 and (chunk := stream.read(min(CHUNK, remaining))):
            remaining -= len(chunk)
    except OSError:
        pass


class _Receiver:
    """Streams one multipart upload: fields first (verified before any file byte is written), then
    the file into a hidden temporary file, renamed into place only when complete and within limits."""

    def __init__(self, storage: LocalStorage, boundary: bytes, body_limit: int) -> None:
        self.storage = storage
        self.decoder = MultipartDecoder(boundary, max_form_memory_size=FORM_OVERHEAD, max_parts=MAX_PARTS)
        self.body_limit = body_limit
        self.fields: dict[str, str] = {}
        self.ticket: UploadTicket | None = None
        self.tmp: Path | None = None
        self.handle: IO[bytes] | None = None
        self.size = 0
        self.file_done = False
        self._part: str | None = None  # "field:<name>", "file" or "ignored"
        self._buffer = bytearray()

    def run(self, stream: IO[bytes]) -> None:
        read = 0
        while True:
            chunk = stream.read(CHUNK)
            read += len(chunk)
            if read > self.body_limit:
                raise _too_large(self.storage)
            self.decoder.receive_data(chunk or None)
            if self._consume():
                break
            if not chunk:
                raise ValueError("body ended before the closing boundary")
        if not self.file_done or self.ticket is None or self.handle is None or self.tmp is None:
            raise UserError("Upload refused: the form has no 'file' part.")
        self.handle.close()
        if self.size == 0:
            raise UserError("Upload refused: the file is empty.")
        self.storage.commit(self.tmp, self.ticket.key)
        self.tmp = None
        log.info("stored upload %s (%d bytes)", self.ticket.key, self.size)

    def _consume(self) -> bool:
        """Handle every event the decoder can give now; True once the form is complete."""
        while True:
            event: Any = self.decoder.next_event()
            if isinstance(event, NeedData):
                return False
            if isinstance(event, Epilogue):
                return True
            if isinstance(event, File):
                self._start_file(event.name)
            elif isinstance(event, Field):
                self._part = "ignored" if self.file_done else f"field:{event.name}"
                self._buffer.clear()
            elif isinstance(event, Data):
                self._data(event.data, event.more_data)

    def _start_file(self, name: str) -> None:
        if self.file_done or name != "file":
            raise UserError("Upload refused: the form must carry exactly one file part, named 'file', "
                            "after the other fields.")
        self.ticket = self.storage.verify_upload(self.fields)
        self.tmp, self.handle = self.storage.open_incoming()
        self._part = "file"

    def _data(self, data: bytes, more: bool) -> None:
        if self._part == "file":
            assert self.ticket is not None and self.handle is not None
            self.size += len(data)
            if self.size > self.ticket.max_bytes:
                raise _too_large(self.storage)
            self.handle.write(data)
            if not more:
                self.file_done = True
                self._part = "ignored"  # S3 ignores fields after the file too
        elif self._part and self._part.startswith("field:"):
            self._buffer += data
            if len(self._buffer) > FIELD_MAX:
                raise UserError("Upload refused: a form field is too long.")
            if not more:
                self.fields[self._part.removeprefix("field:")] = self._buffer.decode("utf-8", "replace")

    def discard(self) -> None:
        """Remove the partial file (nothing of a refused upload stays behind)."""
        if self.handle is not None:
            self.handle.close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None
