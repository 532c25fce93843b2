"""The reference's own integration suite (reference §13.2), ported case by case with the same flows,
payloads and assertions, against our server in mock mode with the reference's mock delays (0.1-1 s).

Like the original mocha suite, the client sends no runId and listens to the bare event names."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from app.testing.flow_client import FlowClient
from app.testing.server_process import ServerProcess
from tests.cluster_support import Cluster

PARAMETERS = {"openaiApiKey": "apiKey"}
INPUT_NAME = "kbk1proh1#input-text"


@pytest.fixture(scope="module", params=["one process", "cluster"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The suite against one server, and against a cluster (EXECUTOR=queue: 2 web processes, 2 workers, Redis,
    PostgreSQL, S3) through its first web process."""
    delays = {"MOCK_DELAY_MIN": "0.1", "MOCK_DELAY_MAX": "1.0"}
    if request.param == "cluster":
        cluster = Cluster(tmp_path_factory.mktemp("reference-cluster"), request.getfixturevalue("postgres_server"),
                          request.getfixturevalue("moto_s3"), env=delays)
        yield cluster.webs[0]
        cluster.stop()
        return
    srv = ServerProcess({"USE_MOCK": "true", **delays}, tmp_path_factory.mktemp("reference-suite"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def types(server: ServerProcess) -> list[str]:
    return requests.get(server.url + "/node/configs", timeout=5).json()["types"]


@pytest.fixture
def sock(server: ServerProcess, client_factory: Callable[..., FlowClient]) -> FlowClient:
    return client_factory(server.url)


def needs(types: list[str], *wanted: str) -> None:
    missing = [t for t in wanted if t not in types]
    if missing:
        pytest.skip(f"node types not registered yet: {', '.join(missing)}")


# ---- the suite's shared flows ------------------------------------------------------------------
def input_node(with_text: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"name": INPUT_NAME, "processorType": "input-text", "inputs": [], "x": 10, "y": 20}
    if with_text:
        data["inputText"] = "Hello World"
    return data


def basic_json_flow() -> list[dict[str, Any]]:
    return [input_node()]


def json_flow_with_missing_input_text() -> list[dict[str, Any]]:
    return [input_node(with_text=False)]


def model_node(name: str, processor_type: str = "llm-prompt", parent: str | None = None, **extra: Any
               ) -> dict[str, Any]:
    inputs = [{"inputNode": parent, "inputNodeOutputKey": 0, "inputName": "prompt"}] if parent else []
    return {"name": name, "processorType": processor_type, "inputs": inputs, "prompt": "Say something",
            "x": 0, "y": 0, **extra}


def sequential_flow(**node2: Any) -> list[dict[str, Any]]:
    return [model_node("1#llm-prompt"), model_node("2#llm-prompt", parent="1#llm-prompt", **node2),
            model_node("3#stable-diffusion-stabilityai-prompt", "stable-diffusion-stabilityai-prompt",
                       parent="2#llm-prompt")]


def flow_with_four_parallel_node_step(**per_node: dict[str, Any]) -> list[dict[str, Any]]:
    return [model_node("1#llm-prompt")] + [
        model_node(f"{i}#llm-prompt", parent="1#llm-prompt", **per_node.get(str(i), {})) for i in range(2, 6)]


def send(sock: FlowClient, flow: list[dict[str, Any]], event: str = "process_file", **extra: Any) -> float:
    sock.emit(event, {"jsonFile": json.dumps(flow), "parameters": PARAMETERS, **extra})
    return time.monotonic()


def names(sock: FlowClient) -> list[str]:
    return [name for name, _, _ in sock.events]


def first(sock: FlowClient, kind: str, timeout: float = 5) -> dict[str, Any]:
    return sock.wait_for(lambda name, _: name == kind, timeout=timeout)[1]


def wait_end_or_error(sock: FlowClient, timeout: float) -> str:
    return sock.wait_for(lambda name, _: name in ("run_end", "error"), timeout=timeout)[0]


# ---- socketEvents/socketConnectionTest ---------------------------------------------------------
def test_should_be_connected_then_disconnect(sock: FlowClient) -> None:
    assert sock.sio.connected
    sock.close()
    assert not sock.sio.connected


# ---- socketEvents/processFileEventTest and runNodeEventTest (5 s each) ------------------------
@pytest.mark.parametrize("event", ["process_file", "run_node"])
def test_should_trigger_run_end(sock: FlowClient, event: str) -> None:
    send(sock, basic_json_flow(), event, **({"nodeName": INPUT_NAME} if event == "run_node" else {}))
    assert wait_end_or_error(sock, 5) == "run_end"
    assert "output" in first(sock, "run_end")


@pytest.mark.parametrize("event", ["process_file", "run_node"])
def test_should_trigger_progress(sock: FlowClient, event: str) -> None:
    send(sock, basic_json_flow(), event, **({"nodeName": INPUT_NAME} if event == "run_node" else {}))
    progress = first(sock, "progress")
    assert progress["output"] == "Hello World"
    assert progress["instanceName"] == INPUT_NAME


@pytest.mark.parametrize("event", ["process_file", "run_node"])
def test_should_trigger_current_node_running(sock: FlowClient, event: str) -> None:
    send(sock, basic_json_flow(), event, **({"nodeName": INPUT_NAME} if event == "run_node" else {}))
    assert first(sock, "current_node_running")["instanceName"] == INPUT_NAME


@pytest.mark.parametrize("event", ["process_file", "run_node"])
def test_with_missing_input_should_trigger_error(sock: FlowClient, event: str) -> None:
    send(sock, json_flow_with_missing_input_text(), event,
         **({"nodeName": INPUT_NAME} if event == "run_node" else {}))
    assert first(sock, "error")["error"]


# ---- nodeProcessingOrder -------------------------------------------------------------------------
def progress_names(sock: FlowClient) -> list[str]:
    return [data["instanceName"] for name, data, _ in sock.events if name == "progress"]


def test_single_node(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt")
    send(sock, [model_node("1#llm-prompt")])
    assert first(sock, "progress")["instanceName"] == "1#llm-prompt"


def test_nodes_without_link(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt")
    flow = [model_node(f"{i}#llm-prompt") for i in (1, 2, 3)]
    send(sock, flow)
    first(sock, "run_end", timeout=10)
    assert sorted(progress_names(sock)) == ["1#llm-prompt", "2#llm-prompt", "3#llm-prompt"]


def test_node_with_children(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt")
    send(sock, [model_node("1#llm-prompt"), model_node("2#llm-prompt", parent="1#llm-prompt"),
                model_node("3#llm-prompt", parent="1#llm-prompt")])
    first(sock, "run_end", timeout=10)
    order = progress_names(sock)
    assert order[0] == "1#llm-prompt"
    assert "2#llm-prompt" in order and "3#llm-prompt" in order


def test_node_with_multiple_parents(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt")
    child = model_node("3#llm-prompt")
    child["inputs"] = [{"inputNode": "1#llm-prompt", "inputNodeOutputKey": 0, "inputName": "prompt"},
                       {"inputNode": "2#llm-prompt", "inputNodeOutputKey": 0, "inputName": "context"}]
    send(sock, [model_node("1#llm-prompt"), model_node("2#llm-prompt"), child])
    first(sock, "run_end", timeout=10)
    order = progress_names(sock)
    assert order.index("3#llm-prompt") > order.index("1#llm-prompt")
    assert order.index("3#llm-prompt") > order.index("2#llm-prompt")


# ---- nodeErrorTest -------------------------------------------------------------------------------
def test_error_in_sequential_flow_should_stop_the_flow(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt", "stable-diffusion-stabilityai-prompt")
    started = send(sock, sequential_flow(raiseError=True))
    sock.wait_for(lambda name, _: name == "error", timeout=10)
    assert time.monotonic() - started < 10
    first(sock, "run_end", timeout=10)
    seen = names(sock)
    error_at = seen.index("error")
    assert seen[:error_at].count("progress") == 1
    assert seen[error_at:].count("progress") == 0


def test_error_in_flow_without_link_should_run_the_others(sock: FlowClient, types: list[str]) -> None:
    """The original case sends the sequential flow again; verdict after 2 s."""
    needs(types, "llm-prompt", "stable-diffusion-stabilityai-prompt")
    started = send(sock, sequential_flow(raiseError=True))
    sock.wait_for(lambda name, _: name == "error", timeout=2)
    assert time.monotonic() - started < 2
    time.sleep(max(0.0, 2 - (time.monotonic() - started)))
    assert names(sock).count("progress") == 1


def test_error_in_flow_with_four_parallel_nodes(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt")
    send(sock, flow_with_four_parallel_node_step(**{"5": {"raiseError": True}, "2": {"sleepDuration": 2}}))
    first(sock, "run_end", timeout=15)
    assert names(sock).count("progress") == 4  # running siblings finished before run_end
    assert names(sock).count("error") == 1
    assert names(sock)[-1] == "run_end"


# ---- nodeParallelExecutionDurationTest (15 s) ------------------------------------------------------
def test_parallel_execution_duration(sock: FlowClient, types: list[str]) -> None:
    needs(types, "llm-prompt")
    flow = flow_with_four_parallel_node_step(**{str(i): {"sleepDuration": 2} for i in range(2, 6)})
    started = send(sock, flow)
    first(sock, "run_end", timeout=15)
    elapsed_ms = (time.monotonic() - started) * 1000
    assert names(sock).count("progress") == 5
    assert "error" not in names(sock)
    assert elapsed_ms < 5000
