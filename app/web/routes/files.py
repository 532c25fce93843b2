"""GET /image/<filename>: files in local storage, traversal-safe, with their content type."""

from __future__ import annotations

import mimetypes

from flask import Blueprint, current_app, send_file

from app.errors import UserError
from app.storage.base import Storage
from app.storage.local import LocalStorage

bp = Blueprint("files", __name__)


@bp.get("/image/<path:filename>")
def local_file(filename: str):  # type: ignore[no-untyped-def]
    storage = current_app.extensions["injector"].get(Storage)
    if not isinstance(storage, LocalStorage):
        raise UserError("Files are served by the configured S3 storage, not by this server.", status=404)
    path = storage.path_of(filename)
    if path is None:
        raise UserError("File not found.", status=404)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return send_file(path, mimetype=mimetype, conditional=True, max_age=3600)
