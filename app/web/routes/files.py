"""GET /image/<name>: files in local storage, traversal-safe, with their content type."""

from __future__ import annotations

from flask import Blueprint, current_app, send_file

from app.errors import UserError
from app.storage.base import Storage
from app.storage.local import LocalStorage, name_too_long
from app.storage.media_types import content_type_for

bp = Blueprint("files", __name__)

# Stored files are user content served from our own origin: never sniffed, and any script in an
# SVG or HTML file runs in a sandbox without access to the editor.
_SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; media-src 'self'; "
                               "style-src 'unsafe-inline'; sandbox",
}


@bp.get("/image/<path:filename>")
def local_file(filename: str):  # type: ignore[no-untyped-def]
    storage = current_app.extensions["injector"].get(Storage)
    if not isinstance(storage, LocalStorage):
        raise UserError("Files are served by the configured S3 storage, not by this server.", status=404)
    if name_too_long(filename):
        raise UserError("The file name is too long to be a stored file.", status=400)
    path = storage.path_of(filename)
    if path is None:
        raise UserError("File not found.", status=404)
    response = send_file(path, mimetype=content_type_for(path.name), conditional=True, max_age=3600)
    response.headers.update(_SAFETY_HEADERS)
    return response
