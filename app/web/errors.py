"""One JSON error shape, {error}, for every 4xx and 5xx; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from app.errors import UserError

log = logging.getLogger(__name__)


def error_response(message: str, status: int):  # type: ignore[no-untyped-def]
    response = jsonify({"error": message})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(UserError)
    def _user_error(exc: UserError):  # type: ignore[no-untyped-def]
        return error_response(exc.message, exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        return error_response(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error")
        return error_response("Internal server error; the server log has the details.", 500)
