"""What a saved flow takes and gives: its input nodes (by name, with the field a caller sets) and its outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.nodes.registry import ProcessorRegistry


@dataclass(frozen=True, slots=True)
class FlowInput:
    name: str
    type: str  # the node's processorType
    field: str  # the node field an `inputs` value replaces
    required: bool  # blank in the saved flow: a run must give it
    default: Any


@dataclass(frozen=True, slots=True)
class FlowOutput:
    name: str
    type: str
    output_type: str | None  # text, imageUrl, ... as the node's config says


@dataclass(frozen=True, slots=True)
class FlowInterface:
    inputs: list[FlowInput]
    outputs: list[FlowOutput]  # the nodes no other node reads from (any node may be asked for by name)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def describe(items: list[Any], registry: ProcessorRegistry) -> FlowInterface:
    nodes = [item for item in items if isinstance(item, dict) and isinstance(item.get("name"), str)]
    fed = {edge.get("inputNode") for item in nodes for edge in (item.get("inputs") or []) if isinstance(edge, dict)}
    inputs: list[FlowInput] = []
    outputs: list[FlowOutput] = []
    for item in nodes:
        kind = item.get("processorType")
        cls = registry.get(kind) if isinstance(kind, str) and registry.has(kind) else None
        if cls is not None and cls.input_field is not None and not item.get("inputs"):
            value = item.get(cls.input_field)
            inputs.append(FlowInput(item["name"], kind, cls.input_field, _blank(value), value))
        if item["name"] not in fed:
            config = item.get("config") if isinstance(item.get("config"), dict) else {}
            static = cls.node_config() if cls is not None else None
            output_type = config.get("outputType") or (static.outputType if static is not None else None)
            outputs.append(FlowOutput(item["name"], str(kind), output_type))
    return FlowInterface(inputs, outputs)
