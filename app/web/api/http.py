"""What the API routes share: JSON answers from models, a bounded JSON body, validation into problems."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from flask import Response, request
from pydantic import BaseModel, ValidationError

from app.settings import Settings
from app.web.api.problems import ApiProblem, bad_field, invalid, problem

#: Room in a request body for its other fields besides the flow (MAX_FLOW_SIZE_MB).
BODY_EXTRA_BYTES = 1024 * 1024

Model = TypeVar("Model", bound=BaseModel)


def json_response(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def read_body(limit: int) -> dict[str, Any]:
    """The request's JSON object, read within `limit` bytes (413 past it, 400 if it is not a JSON object)."""
    if (request.content_length or 0) > limit:
        raise ApiProblem(problem(413, f"The request body is too large (the limit is {limit / 1048576:.1f} MB; "
                                      "see MAX_FLOW_SIZE_MB)."))
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise ApiProblem(problem(413, f"The request body is too large (the limit is {limit / 1048576:.1f} MB)."))
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise bad_field("body", "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise bad_field("body", "the body must be a JSON object")
    return body


def parse(model: type[Model], data: Any, *, status: int, prefix: str = "") -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, status=status, prefix=prefix) from None


def read_flow_body(settings: Settings) -> dict[str, Any]:
    """A request body that carries a flow: within MAX_FLOW_SIZE_MB plus room for the other fields."""
    return read_body(settings.max_flow_bytes + BODY_EXTRA_BYTES)


def links_base(settings: Settings) -> str:
    """The base of links to stored files in a run's events: PUBLIC_URL, else the address the caller used."""
    return settings.public_url.rstrip("/") if settings.public_url else request.host_url.rstrip("/")


def api_client() -> str:
    """Who an API run counts against for MAX_RUNS_PER_CLIENT: the caller's address."""
    return f"api:{request.remote_addr}"
