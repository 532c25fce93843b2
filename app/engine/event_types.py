"""The events a run emits, as typed models: one source for Socket.IO, SSE and the run store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Union


@dataclass(frozen=True, slots=True)
class NodeStarted:
    """A node began to run (reference: `current_node_running`)."""

    event: ClassVar[str] = "current_node_running"
    node: str

    def wire(self) -> dict[str, Any]:
        return {"instanceName": self.node, "isDone": False}


@dataclass(frozen=True, slots=True)
class NodeQueued:
    """A node waits for a provider slot (a `progress` the editor draws as waiting)."""

    event: ClassVar[str] = "progress"
    node: str

    def wire(self) -> dict[str, Any]:
        return {"instanceName": self.node, "isDone": False, "queued": True}


@dataclass(frozen=True, slots=True)
class NodeStreamed:
    """A node's text so far: the whole of it (`output`), or what came since (`delta` at `offset`)."""

    event: ClassVar[str] = "progress"
    node: str
    output: str | None = None
    delta: str | None = None
    offset: int | None = None

    def wire(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"instanceName": self.node, "isDone": False}
        if self.delta is not None:
            payload["delta"] = self.delta
            payload["offset"] = self.offset
        else:
            payload["output"] = self.output
        return payload


@dataclass(frozen=True, slots=True)
class NodeFinished:
    """A node ended with its output (values too large for an event travel as links in `largeOutputs`)."""

    event: ClassVar[str] = "progress"
    node: str
    output: Any
    duration: float
    large_outputs: list[dict[str, Any]] = field(default_factory=list)
    cached_at: str | None = None  # served from the output cache: when that output was computed (ISO 8601)

    def wire(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"instanceName": self.node, "isDone": True, "duration": round(self.duration, 6)}
        if self.output is not None:
            payload["output"] = self.output
        if self.large_outputs:
            payload["largeOutputs"] = self.large_outputs
        if self.cached_at is not None:
            payload["cached"] = True
            payload["cachedAt"] = self.cached_at
        return payload


@dataclass(frozen=True, slots=True)
class NodeFailed:
    """A node failed; `target` is the node a `run_node` asked for (reference: `nodeName`)."""

    event: ClassVar[str] = "error"
    node: str
    message: str
    target: str | None = None

    def wire(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"instanceName": self.node, "isDone": False, "error": self.message}
        if self.target is not None:
            payload["nodeName"] = self.target
        return payload


@dataclass(frozen=True, slots=True)
class RunEnded:
    """The run is over: completed, failed, cancelled or interrupted, with the outputs (or links to them)."""

    event: ClassVar[str] = "run_end"
    outputs: dict[str, Any]
    status: str

    def wire(self) -> dict[str, Any]:
        return {"output": self.outputs, "status": self.status,
                "cancelled": self.status in ("cancelled", "interrupted")}


RunEvent = Union[NodeStarted, NodeQueued, NodeStreamed, NodeFinished, NodeFailed, RunEnded]
EVENT_NAMES = ("current_node_running", "progress", "error", "run_end")
