"""One JSON error shape, {error}, for every 4xx and 5xx (problem details under /api/); never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from app.errors import UserError
from app.web.api import problems

log = logging.getLogger(__name__)

INTERNAL = "Internal server error; the server log has the details."


def error_response(message: str, status: int):  # type: ignore[no-untyped-def]
    if problems.wants_problem():
        return problems.render(problems.problem(status, message))
    response = jsonify({"error": message})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(problems.ApiProblem)
    def _api_problem(exc: problems.ApiProblem):  # type: ignore[no-untyped-def]
        return problems.render(exc.problem)

    @app.errorhandler(UserError)
    def _user_error(exc: UserError):  # type: ignore[no-untyped-def]
        if problems.wants_problem():
            return problems.render(problems.from_user_error(exc))
        return error_response(exc.message, exc.status)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        response = error_response(exc.description or exc.name, exc.code or 500)
        allowed = getattr(exc, "valid_methods", None)  # a 405 names the methods the URL takes
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error")
        return error_response(INTERNAL, 500)
