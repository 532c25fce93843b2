"""The run API's OpenAPI 3.1 document, built from the same pydantic models the routes validate and answer with."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.web.api.models import (
    CancelResult,
    EventsQuery,
    ListQuery,
    Problem,
    RunAccepted,
    RunCreate,
    RunDetail,
    RunList,
)
from app.web.api.flow_models import (
    FlowCreate,
    FlowDetail,
    FlowList,
    FlowListQuery,
    FlowRename,
    FlowRunCreate,
    FlowSummary,
    FlowUpdate,
    VersionQuery,
)
from app.web.api.problems import PROBLEM_JSON

REF = "#/components/schemas/{model}"
RUN_ID = {"name": "id", "in": "path", "required": True, "description": "The run's id.",
          "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[A-Za-z0-9_.:-]+$"}}
FLOW_ID = {"name": "id", "in": "path", "required": True, "description": "The saved flow's id.",
           "schema": {"type": "string", "minLength": 1, "maxLength": 128}}
PROBLEM_STATUSES = {400: "Bad request (a field is named in `errors`)", 401: "The access token is missing or wrong",
                    404: "No such run or flow", 409: "The run is still going", 413: "The flow is too large",
                    422: "The request or the flow is invalid (`errors` names the fields, `nodes` the nodes)",
                    429: "Too many runs at once", 503: "The server is shutting down"}


def _json(schema_name: str, description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/json": {"schema": {"$ref": REF.format(model=schema_name)}}}}
    if headers:
        response["headers"] = headers
    return response


def _problems(*statuses: int) -> dict[str, Any]:
    ref = {"$ref": REF.format(model="Problem")}
    return {str(status): {"description": PROBLEM_STATUSES[status], "content": {PROBLEM_JSON: {"schema": ref}}}
            for status in (*statuses, 401)}


def _query(model: type[BaseModel]) -> list[dict[str, Any]]:
    """A query model's fields as OpenAPI parameters (a query value is never null: only the non-null branch)."""
    parameters = []
    for name, spec in model.model_json_schema()["properties"].items():
        branches = [branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"]
        schema = {key: value for key, value in branches[0].items() if key not in ("title", "description")}
        if spec.get("default") is not None:
            schema["default"] = spec["default"]
        parameters.append({"name": name, "in": "query", "required": False,
                           "description": spec.get("description", ""), "schema": schema})
    return parameters


def _body(model: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}


def _flow_paths() -> dict[str, Any]:
    location = {"Location": {"description": "The new resource's URL", "schema": {"type": "string"}}}
    return {
        "/api/v1/flows": {
            "post": {"operationId": "saveFlow", "summary": "Keep a flow on the server (version 1)",
                     "requestBody": _body("FlowCreate"),
                     "responses": {"201": _json("FlowDetail", "The saved flow", location),
                                   **_problems(400, 404, 413, 422)}},
            "get": {"operationId": "listFlows", "summary": "Saved flows, most recently saved first",
                    "parameters": _query(FlowListQuery),
                    "responses": {"200": _json("FlowList", "A page of flows"), **_problems(400, 404)}},
        },
        "/api/v1/flows/{id}": {
            "parameters": [FLOW_ID],
            "get": {"operationId": "getFlow", "summary": "A flow (a version), its inputs, outputs and versions",
                    "parameters": _query(VersionQuery),
                    "responses": {"200": _json("FlowDetail", "The flow"), **_problems(400, 404)}},
            "put": {"operationId": "saveFlowVersion", "summary": "Save a new version", "requestBody": _body("FlowUpdate"),
                    "responses": {"200": _json("FlowDetail", "The new version"), **_problems(400, 404, 413, 422)}},
            "patch": {"operationId": "renameFlow", "summary": "Rename a flow", "requestBody": _body("FlowRename"),
                      "responses": {"200": _json("FlowSummary", "Renamed"), **_problems(400, 404, 413, 422)}},
            "delete": {"operationId": "deleteFlow", "summary": "Delete a flow and its versions",
                       "responses": {"204": {"description": "Deleted"}, **_problems(404)}},
        },
        "/api/v1/flows/{id}/runs": {
            "parameters": [FLOW_ID],
            "post": {"operationId": "runFlow", "summary": "Run a saved flow with inputs by node name",
                     "requestBody": _body("FlowRunCreate"),
                     "responses": {"200": _json("RunDetail", "The run ended within `wait`"),
                                   "201": _json("RunAccepted", "The run is going", location),
                                   **_problems(400, 404, 413, 422, 429, 503)}},
        },
    }


def _paths() -> dict[str, Any]:
    location = {"Location": {"description": "The run's URL", "schema": {"type": "string"}}}
    last_event_id = {"name": "Last-Event-ID", "in": "header", "required": False,
                     "schema": {"type": "string", "pattern": "^[0-9]+$"},
                     "description": "The seq of the last event received (sent by a reconnecting EventSource)."}
    return {
        "/api/v1/runs": {
            "post": {"operationId": "startRun", "summary": "Start a run",
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": {"$ref": REF.format(model="RunCreate")}}}},
                     "responses": {"200": _json("RunDetail", "The run ended within `wait`"),
                                   "201": _json("RunAccepted", "The run is going", location),
                                   **_problems(400, 413, 422, 429, 503)}},
            "get": {"operationId": "listRuns", "summary": "List runs, newest first",
                    "parameters": _query(ListQuery),
                    "responses": {"200": _json("RunList", "A page of runs"), **_problems(400)}},
        },
        "/api/v1/runs/{id}": {
            "parameters": [RUN_ID],
            "get": {"operationId": "getRun", "summary": "A run with its nodes and outputs",
                    "responses": {"200": _json("RunDetail", "The run"), **_problems(404)}},
            "delete": {"operationId": "deleteRun", "summary": "Remove a run from the history",
                       "responses": {"204": {"description": "Removed"}, **_problems(404, 409)}},
        },
        "/api/v1/runs/{id}/cancel": {
            "parameters": [RUN_ID],
            "post": {"operationId": "cancelRun", "summary": "Cancel a run (idempotent)",
                     "responses": {"202": _json("CancelResult", "Cancelled"),
                                   "200": _json("CancelResult", "The run had already ended: its status"),
                                   **_problems(404)}},
        },
        "/api/v1/runs/{id}/events": {
            "parameters": [RUN_ID],
            "get": {"operationId": "runEvents", "summary": "Follow a run's events (Server-Sent Events)",
                    "description": "Each event: `id: <seq>`, `event: <name>`, `data: <JSON payload>`. The events "
                                   "after Last-Event-ID (or `after`) are replayed, then live ones follow; a "
                                   "`: heartbeat` comment is sent while idle; the stream ends after `run_end`.",
                    "parameters": [*_query(EventsQuery), last_event_id],
                    "responses": {"200": {"description": "The event stream",
                                          "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                                  **_problems(400, 404)}},
        },
        **_flow_paths(),
    }


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (built once)."""
    _, top = models_json_schema([(RunCreate, "validation"), (RunDetail, "serialization"),
                                 (RunAccepted, "serialization"), (RunList, "serialization"),
                                 (CancelResult, "serialization"), (Problem, "serialization"),
                                 (FlowCreate, "validation"), (FlowUpdate, "validation"), (FlowRename, "validation"),
                                 (FlowRunCreate, "validation"), (FlowDetail, "serialization"),
                                 (FlowSummary, "serialization"), (FlowList, "serialization")], ref_template=REF)
    return {
        "openapi": "3.1.0",
        "info": {"title": "AI-Flow Next run API", "version": "1",
                 "description": "Start, follow, inspect and cancel runs of flows. A server off loopback wants its "
                                "access token: `Authorization: Bearer <token>`. Errors are RFC 9457 problem details."},
        "paths": _paths(),
        "components": {"schemas": top["$defs"],
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"bearerAuth": []}],
    }
