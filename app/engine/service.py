"""Starting runs from a request, the same way for every caller (socket, REST, CLI): limits, inputs, keys."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from app.engine.flow import FlowError, decode_flow, validate_flow
from app.engine.runs import RunRegistry, RunStart
from app.engine.scheduler import Run
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings


@dataclass(frozen=True)
class StartRequest:
    """A flow to run (its JSON list or text), its parameters (API keys), and input values by node name."""

    flow: Any
    parameters: dict[str, Any] | None = None
    inputs: dict[str, Any] | None = None
    how: RunStart = RunStart()


def api_keys_for(parameters: dict[str, Any] | None, settings: Settings) -> dict[str, str]:
    """Keys sent with the run (blank ones ignored); with USE_ENV_API_KEYS, the server's own take precedence."""
    keys = {name: value.strip() for name, value in (parameters or {}).items()
            if isinstance(name, str) and isinstance(value, str) and value.strip()}
    if settings.use_env_api_keys:
        keys.update(settings.env_api_keys())
    return keys


def apply_inputs(items: list[Any], inputs: dict[str, Any], registry: ProcessorRegistry) -> list[Any]:
    """A copy of the node list where each named input node holds the given value (FlowError naming a
    node that is missing or takes no input)."""
    by_name = {item.get("name"): index for index, item in enumerate(items) if isinstance(item, dict)}
    items = list(items)
    for name, value in inputs.items():
        index = by_name.get(name)
        if index is None:
            raise FlowError(f"Input '{name}': the flow has no node of that name.", nodes=[name], status=422)
        node = items[index]
        kind = node.get("processorType")
        field = registry.get(kind).input_field if isinstance(kind, str) and registry.has(kind) else None
        if field is None:
            raise FlowError(f"Input '{name}': a '{kind}' node takes no input value; inputs are for input nodes "
                            "(text, file, URL, YouTube).", nodes=[name], status=422)
        if not isinstance(value, str):
            raise FlowError(f"Input '{name}': the value must be a string (text, URL or file link).",
                            nodes=[name], status=422)
        items[index] = {**node, field: value}
    return items


class RunService:
    """Decodes, checks and starts runs; the registry keeps them."""

    def __init__(self, runs: RunRegistry, registry: ProcessorRegistry, settings: Settings) -> None:
        self.runs = runs
        self.registry = registry
        self.settings = settings

    def start(self, request: StartRequest) -> Run:
        """Start the run, or raise UserError (FlowError) naming the problem and the nodes."""
        how, settings = request.how, self.settings
        admission = self.runs.admit(how.client or how.sid)  # counted from now: no pile of flows to parse
        try:
            items = decode_flow(request.flow, max_bytes=settings.max_flow_bytes, max_nodes=settings.max_flow_nodes)
            if request.inputs:
                items = apply_inputs(items, request.inputs, self.registry)
            flow = validate_flow(items, self.registry, settings.use_mock)
            if how.target is not None and how.target not in flow.nodes:
                raise FlowError(f"Node '{how.target}' is not in the flow.", nodes=[how.target])
            return self.runs.start(flow, api_keys_for(request.parameters, settings), replace(how, source=items),
                                   admission)
        finally:
            admission.release()
