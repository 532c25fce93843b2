"""Request and response models of the run API (camelCase on the wire); the OpenAPI document is built from them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]
NodeStatus = Literal["queued", "running", "waiting", "succeeded", "failed", "cancelled", "skipped", "interrupted"]
StartedBy = Literal["editor", "api", "cli"]
MAX_WAIT_S = 300
NAME_CHARS = 128


class RunCreate(BaseModel):
    """A run to start: the flow as the editor saves it, its parameters (API keys), input values by node name."""

    model_config = ConfigDict(extra="forbid", title="RunCreate")

    flow: list[dict[str, Any]] | str = Field(
        description="The flow's nodes (a list, as in `jsonFile`), or that list as a JSON string.")
    parameters: dict[str, Any] | None = Field(
        None, description="Run parameters such as `openai_api_key` (never stored, never echoed).")
    target: str | None = Field(None, min_length=1, description="Run only this node and the ancestors it needs.")
    inputs: dict[str, str] | None = Field(
        None, description="Values for input nodes by node name (text, URL or file link).")
    wait: float = Field(0, ge=0, le=MAX_WAIT_S,
                        description="Seconds to wait for the run to end: 200 with the outputs when it ends in time, "
                                    "else 201 with its id and links.")
    flowId: str | None = Field(None, min_length=1, max_length=NAME_CHARS,
                               description="The caller's id of the flow, recorded in the history (list filter).")
    streamFormat: Literal["full", "delta"] = Field(
        "full", description="`delta`: streamed text comes as `delta` + `offset` in `progress` events.")
    useCache: bool = Field(True, description="Serve nodes whose inputs did not change from the output cache "
                                             "(no provider call); false runs every node afresh.")


class RunLinks(BaseModel):
    self: str
    events: str
    cancel: str


class RunAccepted(BaseModel):
    """A run that is still going after `wait`."""

    id: str
    status: RunStatus
    links: RunLinks


class RunSummary(BaseModel):
    id: str
    status: RunStatus
    createdAt: datetime | None = Field(description="Null only for a live run on a server without run history.")
    startedAt: datetime | None
    endedAt: datetime | None
    duration: float | None = Field(description="Seconds from start to end; null while the run is going.")
    startedBy: StartedBy
    target: str | None
    flowId: str | None
    error: str | None


class NodeResult(BaseModel):
    name: str
    status: NodeStatus
    startedAt: datetime | None
    endedAt: datetime | None
    duration: float | None
    output: Any
    error: str | None
    cached: bool


class RunDetail(RunSummary):
    """A run with its flow (secrets stripped), every node's state, and the outputs of the nodes that ended."""

    flow: Any
    nodes: list[NodeResult]
    outputs: dict[str, Any]


class RunList(BaseModel):
    runs: list[RunSummary]
    nextCursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")


class CancelResult(BaseModel):
    id: str
    status: RunStatus


class ListQuery(BaseModel):
    """GET /api/v1/runs query parameters."""

    model_config = ConfigDict(extra="ignore")

    status: RunStatus | None = Field(None, description="Only runs of this status.")
    flowId: str | None = Field(None, min_length=1, max_length=NAME_CHARS, description="Only runs of this flow.")
    limit: int = Field(50, ge=1, le=200, description="Runs per page.")
    cursor: str | None = Field(None, min_length=1, max_length=512, description="`nextCursor` of the previous page.")


class EventsQuery(BaseModel):
    """GET /api/v1/runs/{id}/events query parameters (the Last-Event-ID header wins over `after`)."""

    model_config = ConfigDict(extra="ignore")

    after: int | None = Field(None, ge=0, description="Replay the events after this seq, then follow live.")


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str = Field(description="A URI naming the kind of problem (`about:blank` for plain HTTP errors).")
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description="The request fields at fault.")
    nodes: list[str] | None = Field(None, description="The flow's nodes at fault.")
