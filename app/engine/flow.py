"""Flow JSON -> validated Flow: node models, names, types, inputs, cycles, required fields."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from app import concurrency
from app.errors import UserError
from app.nodes.spec import Node

if TYPE_CHECKING:
    from app.nodes.registry import ProcessorRegistry


LARGE_FLOW_BYTES = 256 * 1024
#: Validating a large flow lets other work run after every this many nodes (the event loop stays free).
YIELD_EVERY_NODES = 100


@dataclass
class Flow:
    nodes: dict[str, Node]
    parents: dict[str, list[str]] = field(default_factory=dict)

    def children(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {name: [] for name in self.nodes}
        for name, parents in self.parents.items():
            for parent in parents:
                result[parent].append(name)
        return result

    def ancestors_to_run(self, target: str) -> set[str]:
        """run_node: the target plus every ancestor reached without crossing a reusable output."""
        selected: set[str] = set()
        stack = [target]
        while stack:
            name = stack.pop()
            if name in selected:
                continue
            selected.add(name)
            for parent in self.parents[name]:
                if self.nodes[parent].reusable_output() is None:
                    stack.append(parent)
        return selected


class FlowError(UserError):
    """The flow was rejected before anything ran."""


def _describe(node: Any, index: int) -> str:
    if isinstance(node, dict) and isinstance(node.get("name"), str) and node["name"]:
        return f"node '{node['name']}'"
    return f"node #{index + 1}"


def load_flow_json(raw: Any, max_bytes: int) -> list[Any]:
    """The `jsonFile` payload (a JSON string, or an already-decoded list) as a list of dicts."""
    if raw is None:
        raise FlowError("The flow is missing: send it as 'jsonFile'.")
    if isinstance(raw, (bytes, str)):
        size = len(raw.encode() if isinstance(raw, str) else raw)
        if size > max_bytes:
            raise FlowError(f"The flow is too large ({size / 1048576:.1f} MB; the limit is "
                            f"{max_bytes / 1048576:.1f} MB).", status=413)
        try:
            # a big flow is decoded on a native thread so other clients' events keep flowing meanwhile
            raw = concurrency.run_blocking(json.loads, raw) if size > LARGE_FLOW_BYTES else json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FlowError(f"The flow is not valid JSON: {exc.msg if hasattr(exc, 'msg') else exc} "
                            f"(line {getattr(exc, 'lineno', '?')}, column {getattr(exc, 'colno', '?')}).") from None
    if not isinstance(raw, list):
        raise FlowError("The flow must be a JSON array of nodes.")
    if not raw:
        raise FlowError("Invalid input or missing configuration file: the flow has no nodes.")
    return raw


def _breathe(index: int) -> None:
    """Yield to other green threads now and then while validating a large flow."""
    if index % YIELD_EVERY_NODES == YIELD_EVERY_NODES - 1:
        concurrency.sleep(0)


def parse_nodes(items: list[Any]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for index, item in enumerate(items):
        _breathe(index)
        where = _describe(item, index)
        if not isinstance(item, dict):
            raise FlowError(f"The flow's {where} is not a JSON object.")
        try:
            node = Node.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            location = ".".join(str(part) for part in first["loc"])
            raise FlowError(f"Invalid {where}: '{location}' {first['msg'].lower()}.",
                            nodes=[item.get("name")] if isinstance(item.get("name"), str) else []) from None
        if node.name in nodes:
            raise FlowError(f"Two nodes are named '{node.name}'; node names must be unique.", nodes=[node.name])
        nodes[node.name] = node
    return nodes


def decode_flow(raw: Any, *, max_bytes: int, max_nodes: int | None = None) -> list[Any]:
    """The flow's node list, within MAX_FLOW_SIZE_MB and MAX_FLOW_NODES (FlowError otherwise)."""
    items = load_flow_json(raw, max_bytes)
    if max_nodes is not None and len(items) > max_nodes:
        raise FlowError(f"The flow has too many nodes ({len(items)}; the limit is {max_nodes}, MAX_FLOW_NODES).",
                        status=413)
    return items


def parse_flow(raw: Any, registry: ProcessorRegistry, *, max_bytes: int, max_nodes: int | None = None,
               mock: bool = False) -> Flow:
    """Decode and validate a flow; raise FlowError naming the problem and the node(s)."""
    return validate_flow(decode_flow(raw, max_bytes=max_bytes, max_nodes=max_nodes), registry, mock)


def validate_flow(items: list[Any], registry: ProcessorRegistry, mock: bool) -> Flow:
    """The decoded node list as a Flow: known types, existing inputs, no cycle, required fields given."""
    nodes = parse_nodes(items)
    for node in nodes.values():
        if not registry.has(node.processorType):
            raise FlowError(f"Processor type '{node.processorType}' not supported (node '{node.name}').",
                            nodes=[node.name])
    parents: dict[str, list[str]] = {}
    for index, node in enumerate(nodes.values()):
        _breathe(index)
        for edge in node.inputs:
            if edge.inputNode not in nodes:
                raise FlowError(f"Input processor '{edge.inputNode}' not found (an input of node '{node.name}').",
                                nodes=[node.name])
        parents[node.name] = list(dict.fromkeys(edge.inputNode for edge in node.inputs))
    try:
        TopologicalSorter(parents).prepare()
    except CycleError as exc:
        cycle = list(dict.fromkeys(exc.args[1]))
        raise FlowError("The flow has a cycle: " + " -> ".join(cycle + cycle[:1])
                        + ". Remove one of these connections.", nodes=cycle) from None
    for index, node in enumerate(nodes.values()):
        _breathe(index)
        processor = registry.get(node.processorType)
        if mock and processor.is_mocked(node):
            continue
        fed = {edge.inputName for edge in node.inputs if edge.inputName}
        missing = [name for name in processor.required_fields(node)
                   if name not in fed and _is_blank(node.get(name))]
        if missing:
            fields = ", ".join(f"'{name}'" for name in missing)
            raise FlowError(f"Node '{node.name}' is missing required field{'s' if len(missing) > 1 else ''} "
                            f"{fields}.", nodes=[node.name])
    return Flow(nodes=nodes, parents=parents)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []
