"""Errors of the run API as RFC 9457 problem details (application/problem+json), naming the fields at fault."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, request
from pydantic import ValidationError

from app.engine.flow import FlowError
from app.errors import UserError
from app.web.api.models import FieldError, Problem

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
INVALID_REQUEST = "urn:aiflow:problem:invalid-request"
INVALID_FLOW = "urn:aiflow:problem:invalid-flow"


class ApiProblem(Exception):
    """Raised by an API route to answer with this problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def title_of(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(status: int, detail: str, *, type_: str = "about:blank", errors: list[FieldError] | None = None,
            nodes: list[str] | None = None) -> Problem:
    return Problem(type=type_, title=title_of(status), status=status, detail=detail, errors=errors or None,
                   nodes=nodes or None)


def render(item: Problem, headers: dict[str, str] | None = None) -> Response:
    response = Response(item.model_dump_json(exclude_none=True), status=item.status, mimetype=PROBLEM_JSON)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field(loc: tuple[Any, ...], prefix: str) -> str:
    parts = [str(part) for part in loc]
    return ".".join([prefix, *parts] if prefix else parts) or prefix or "body"


def invalid(exc: ValidationError, *, status: int = 422, prefix: str = "") -> ApiProblem:
    """A pydantic error as a problem naming every field at fault (messages only: no input value is echoed)."""
    errors = [FieldError(field=_field(error["loc"], prefix), message=error["msg"]) for error in exc.errors()]
    first = errors[0]
    return ApiProblem(problem(status, f"Invalid request: '{first.field}': {first.message}.", type_=INVALID_REQUEST,
                              errors=errors))


def bad_field(field: str, message: str, status: int = 400) -> ApiProblem:
    return ApiProblem(problem(status, f"Invalid request: '{field}': {message}.", type_=INVALID_REQUEST,
                              errors=[FieldError(field=field, message=message)]))


def from_user_error(exc: UserError, field: str | None = None) -> Problem:
    """A refused run (or other user error): a rejected flow is 422 naming its nodes; 413/429/503 keep their status."""
    status = exc.status
    if isinstance(exc, FlowError) and status == 400:
        status = 422
    kind = INVALID_FLOW if isinstance(exc, FlowError) and status in (413, 422) else "about:blank"
    errors = [FieldError(field=field, message=exc.message)] if field else None
    return problem(status, exc.message, type_=kind, errors=errors, nodes=exc.nodes)


def wants_problem() -> bool:
    """Inside a request: is it one of the API's (errors as problem details)?"""
    return is_api_path(request.path)
