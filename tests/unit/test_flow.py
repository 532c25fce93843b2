"""Flow validation before anything runs: JSON, names, types, inputs, cycles, required fields, size."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.engine.flow import FlowError, load_flow_json, parse_flow
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig
from app.nodes.registry import ProcessorRegistry


class Needy(Processor):
    processor_type = "t-needy"

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(nodeName="Needy", fields=[Field(name="prompt", type="textarea", required=True),
                                                    Field(name="extra", type="input")])


class PaidNeedy(Needy):
    processor_type = "t-paid"
    provider = "FakeAI"


class Plain(Processor):
    processor_type = "t-plain"


REGISTRY = ProcessorRegistry([Needy, PaidNeedy, Plain])


def n(name: str, kind: str = "t-plain", *parents: str, input_name: str | None = None, **values: Any
      ) -> dict[str, Any]:
    return {"name": name, "processorType": kind,
            "inputs": [{"inputNode": p, "inputNodeOutputKey": 0, "inputName": input_name} for p in parents],
            **values}


def parse(nodes: Any, *, mock: bool = False, max_bytes: int = 10_000_000) -> Any:
    raw = nodes if isinstance(nodes, str) else json.dumps(nodes)
    return parse_flow(raw, REGISTRY, max_bytes=max_bytes, mock=mock)


def rejected(nodes: Any, **kwargs: Any) -> FlowError:
    with pytest.raises(FlowError) as info:
        parse(nodes, **kwargs)
    assert "Traceback" not in info.value.message
    return info.value


def test_a_good_flow_parses_with_parents() -> None:
    flow = parse([n("c", "t-plain", "a", "b"), n("a"), n("b", "t-plain", "a"), {**n("x"), "x": 10, "y": 20}])
    assert flow.parents == {"c": ["a", "b"], "a": [], "b": ["a"], "x": []}
    assert flow.children()["a"] == ["c", "b"]
    assert flow.nodes["x"].get("x") == 10


def test_invalid_json() -> None:
    error = rejected('[{"name": "a", ')
    assert "not valid JSON" in error.message and "line 1" in error.message


@pytest.mark.parametrize("payload", ['{"name": "a"}', '"text"', "42", "null"])
def test_not_a_list(payload: str) -> None:
    assert "must be a JSON array" in rejected(payload).message


def test_missing_and_empty() -> None:
    with pytest.raises(FlowError, match="missing"):
        load_flow_json(None, 100)
    assert "no nodes" in rejected([]).message


def test_a_node_that_is_not_an_object() -> None:
    assert "node #2 is not a JSON object" in rejected([n("a"), "oops"]).message


@pytest.mark.parametrize("bad, words", [
    ({"processorType": "t-plain"}, "'name' field required"),
    ({"name": "", "processorType": "t-plain"}, "must not be empty"),
    ({"name": "a"}, "'processorType' field required"),
    ({"name": "a", "processorType": "t-plain", "inputs": [{"inputName": "x"}]}, "inputs.0.inputNode"),
])
def test_malformed_nodes_name_the_field(bad: dict[str, Any], words: str) -> None:
    assert words in rejected([bad]).message


def test_duplicate_names() -> None:
    error = rejected([n("same"), n("other"), n("same")])
    assert "Two nodes are named 'same'" in error.message and error.nodes == ["same"]


def test_unknown_processor_type() -> None:
    error = rejected([n("a"), n("b", "no-such-type")])
    assert error.message.startswith("Processor type 'no-such-type' not supported")
    assert error.nodes == ["b"]


def test_unknown_input_node() -> None:
    error = rejected([n("a"), n("b", "t-plain", "ghost")])
    assert error.message.startswith("Input processor 'ghost' not found") and "'b'" in error.message


def test_cycle_names_its_nodes() -> None:
    error = rejected([n("free"), n("a", "t-plain", "c"), n("b", "t-plain", "a"), n("c", "t-plain", "b")])
    assert "cycle" in error.message
    assert set(error.nodes) == {"a", "b", "c"}
    for name in ("'a'", "'b'", "'c'"):
        assert name.strip("'") in error.message
    assert "free" not in error.message


def test_self_loop_is_a_cycle() -> None:
    error = rejected([n("loop", "t-plain", "loop")])
    assert "cycle" in error.message and error.nodes == ["loop"]


def test_required_field_missing() -> None:
    error = rejected([n("needy", "t-needy")])
    assert error.message == "Node 'needy' is missing required field 'prompt'."
    assert error.nodes == ["needy"]
    assert "prompt" in rejected([n("needy", "t-needy", prompt="   ")]).message


def test_required_field_fed_by_an_edge_is_present() -> None:
    parse([n("src"), n("needy", "t-needy", "src", input_name="prompt")])
    assert "'prompt'" in rejected([n("src"), n("needy", "t-needy", "src", input_name="extra")]).message


def test_mock_mode_mocked_nodes_require_nothing() -> None:
    parse([n("paid", "t-paid")], mock=True)
    assert "'prompt'" in rejected([n("paid", "t-paid")], mock=False).message
    assert "'prompt'" in rejected([n("needy", "t-needy")], mock=True).message  # real nodes still do


def test_size_limit() -> None:
    nodes = [n("a", value="x" * 2000)]
    parse(nodes, max_bytes=4000)
    error = rejected(nodes, max_bytes=1000)
    assert error.status == 413 and "too large" in error.message


def test_output_keys_and_values() -> None:
    flow = parse([n("a"), {"name": "b", "processorType": "t-plain", "inputs": [
        {"inputNode": "a", "inputNodeOutputKey": "1"}, {"inputNode": "a", "inputNodeOutputKey": None}]},
        {**n("c", outputData="kept"), "inputs": None}])
    assert [edge.inputNodeOutputKey for edge in flow.nodes["b"].inputs] == [1, None]
    assert flow.parents["b"] == ["a"]
    assert flow.nodes["c"].reusable_output() == ["kept"]
    assert flow.nodes["a"].reusable_output() is None


def test_ancestors_to_run_stop_at_reusable_outputs() -> None:
    flow = parse([n("T", "t-plain", "B", "C"), n("B", "t-plain", "A", outputData=["b"]), n("A"),
                  n("C", "t-plain", "D"), n("D", outputData=[]), n("other")])
    assert flow.ancestors_to_run("T") == {"T", "C", "D"}


def test_a_required_field_with_a_default_may_be_absent() -> None:
    """The node falls back to the field's default (e.g. a model select), so validation accepts it."""
    from app.nodes.config import Field, NodeConfig, required_field_names

    config = NodeConfig(nodeName="x", fields=[
        Field(name="model", type="select", required=True, defaultValue="o4-mini"),
        Field(name="prompt", type="textarea", required=True),
    ])
    assert required_field_names(config) == ["prompt"]


def test_a_flow_over_the_node_limit_is_refused_naming_the_limit() -> None:
    nodes = [n(f"n{i}") for i in range(11)]
    assert len(parse_flow(json.dumps(nodes[:10]), REGISTRY, max_bytes=10**6, max_nodes=10).nodes) == 10
    with pytest.raises(FlowError) as info:
        parse_flow(json.dumps(nodes), REGISTRY, max_bytes=10**6, max_nodes=10)
    assert "11" in info.value.message and "MAX_FLOW_NODES" in info.value.message
