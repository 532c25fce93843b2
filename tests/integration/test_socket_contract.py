"""The Socket.IO contract against the real server: progress/run_end shapes, runId and seq, cancel,
disconnect, API keys (per request, from the environment, never echoed)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess

SECRET = "sk-contract-secret-4242"
Events = list[tuple[str, dict[str, Any]]]


def of(events: Events, kind: str) -> list[dict[str, Any]]:
    return [data for name, data in events if name == kind]


def chain(sleep: float = 0.0) -> list[dict[str, Any]]:
    first: dict[str, Any] = {"inputText": "hello"}
    if sleep:
        first["sleepDuration"] = sleep
    return [node("root", "input-text", **first), node("mid", "transition", [("root", None, 0)]),
            node("leaf", "display", [("mid", None, 0)])]


def has_type(server: ServerProcess, processor_type: str) -> bool:
    return processor_type in requests.get(server.url + "/node/configs", timeout=5).json()["types"]


# ---- shapes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("event", ["process_file", "run_node"])
def test_finished_nodes_have_is_done_and_duration(client: FlowClient, event: str) -> None:
    extra = {"nodeName": "leaf"} if event == "run_node" else {}
    events = client.run(chain(), event=event, **extra)
    finished = [d for d in of(events, "progress") if d["isDone"]]
    assert [d["instanceName"] for d in finished] == ["root", "mid", "leaf"]
    for data in finished:
        assert isinstance(data["duration"], float) and 0 <= data["duration"] < 5
        assert data["output"] == "hello"
    running = of(events, "current_node_running")
    assert running == [{"instanceName": n, "isDone": False, "runId": running[i]["runId"], "seq": running[i]["seq"]}
                       for i, n in enumerate(["root", "mid", "leaf"])]


def test_run_end_output_maps_node_names_to_outputs(client: FlowClient) -> None:
    flow = chain() + [node("split", "ai-data-splitter", [("root", "input", 0)], mode="manual",
                           separator=";", nbOutput=2)]
    events = client.run(flow)
    end = of(events, "run_end")[0]
    assert end["output"]["root"] == "hello" and end["output"]["leaf"] == "hello"
    assert end["status"] == "completed" and end["cancelled"] is False
    assert set(end["output"]) == {"root", "mid", "leaf", "split"}


def test_run_id_is_echoed_and_seq_increases(client: FlowClient) -> None:
    events = client.run(chain(), runId="client-chosen.id:1")
    assert {d["runId"] for _, d in events} == {"client-chosen.id:1"}
    assert [d["seq"] for _, d in events] == list(range(1, len(events) + 1))


def test_server_makes_a_run_id_when_none_is_sent(client: FlowClient) -> None:
    start = len(client.events)
    client.emit("process_file", {"jsonFile": json.dumps(chain()), "parameters": {}})
    _, end = client.wait_for(lambda n, d: n == "run_end" and client.events.index((n, d, _stamp(client, d))) >= start)
    assert re.fullmatch(r"[0-9a-f]{32}", end["runId"])
    mine = [n for n, d, _ in client.events[start:] if d.get("runId") == end["runId"]]
    assert mine.count("current_node_running") == 3


def _stamp(client: FlowClient, data: Any) -> float:
    return next(t for _, d, t in client.events if d is data)


def test_two_runs_on_one_socket_are_independent(client: FlowClient) -> None:
    client.emit("process_file", {"jsonFile": json.dumps([node("bad", "input-text", inputText="x", raiseError=True)]),
                                 "parameters": {}, "runId": "fails"})
    good = client.run(chain(0.2), runId="succeeds")
    bad = client.wait_run("fails")
    assert of(good, "run_end")[0]["status"] == "completed"
    assert of(bad, "error")[0]["error"] == "Mock Processor error"
    assert of(bad, "run_end")[0]["status"] == "failed"


# ---- cancel ----------------------------------------------------------------------------------
def _started(client: FlowClient, run_id: str) -> None:
    client.wait_for(lambda n, d: n == "current_node_running" and d.get("runId") == run_id)


def test_cancel_run_by_id(client: FlowClient) -> None:
    client.emit("process_file", {"jsonFile": json.dumps(chain(3)), "parameters": {}, "runId": "to-cancel"})
    _started(client, "to-cancel")
    began = time.monotonic()
    client.emit("cancel_run", {"runId": "to-cancel"})
    events = client.wait_run("to-cancel", timeout=5)
    assert time.monotonic() - began < 1.5
    assert of(events, "run_end") == [{"output": {}, "status": "cancelled", "cancelled": True,
                                      "runId": "to-cancel", "seq": len(events)}]
    assert [d["instanceName"] for d in of(events, "current_node_running")] == ["root"]
    client.emit("cancel_run", {"runId": "to-cancel"})  # again, and unknown ids: harmless
    client.emit("cancel_run", {"runId": "never-existed"})
    assert client.run(chain())[-1][1]["status"] == "completed"
    assert not [e for e in client.events if e[1].get("runId") == "to-cancel" and e[0] == "error"]


def test_cancel_run_without_id_cancels_every_run_of_the_socket(client: FlowClient) -> None:
    for run_id in ("all-1", "all-2"):
        client.emit("process_file", {"jsonFile": json.dumps(chain(3)), "parameters": {}, "runId": run_id})
    _started(client, "all-1")
    _started(client, "all-2")
    client.emit("cancel_run", {})
    for run_id in ("all-1", "all-2"):
        assert of(client.wait_run(run_id, timeout=5), "run_end")[0]["cancelled"] is True


def test_a_client_cannot_cancel_another_clients_run(mock_server: ServerProcess,
                                                     client_factory: Callable[..., FlowClient]) -> None:
    owner, other = client_factory(mock_server.url), client_factory(mock_server.url)
    owner.emit("process_file", {"jsonFile": json.dumps(chain(0.5)), "parameters": {}, "runId": "not-yours"})
    _started(owner, "not-yours")
    other.emit("cancel_run", {"runId": "not-yours"})
    other.emit("cancel_run", {})
    events = owner.wait_run("not-yours", timeout=10)
    assert of(events, "run_end")[0]["status"] == "completed"


def test_without_grace_a_disconnect_cancels_the_clients_runs(start_server: Callable[..., ServerProcess],
                                                             client_factory: Callable[..., FlowClient]) -> None:
    """RUN_ORPHAN_GRACE_S=0: the reference's behaviour (test_run_resume.py covers the grace). The child would
    log 'mock node ... raises as asked' if it started (mock mode's raiseError)."""
    mock_server = start_server(USE_MOCK="true", RUN_ORPHAN_GRACE_S="0")

    def flow(child: str) -> list[dict[str, Any]]:
        return [node("root", "input-text", inputText="x", sleepDuration=0.8),
                node(child, "transition", [("root", None, 0)], raiseError=True)]

    control = client_factory(mock_server.url)  # without a disconnect the child does start and log
    control.run(flow("control-child"))
    assert "mock node control-child raises as asked" in mock_server.log()

    leaving = client_factory(mock_server.url)
    leaving.emit("process_file", {"jsonFile": json.dumps(flow("orphan-child")), "parameters": {}, "runId": "gone"})
    _started(leaving, "gone")
    leaving.close()
    time.sleep(1.5)  # past the root's end: its child must not have started
    assert "orphan-child" not in mock_server.log()


# ---- API keys ---------------------------------------------------------------------------------
def test_keys_are_never_echoed(client: FlowClient) -> None:
    flow = chain() + [node("paid", "llm-prompt", [("root", "prompt", 0)], raiseError=True)]
    events = client.run(flow, parameters={"openai_api_key": SECRET, "other_api_key": SECRET + "2"})
    assert of(events, "error")
    assert SECRET not in json.dumps(client.events)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeProviders]:
    provider = FakeProviders().start()
    yield provider
    provider.stop()


def test_missing_key_fails_naming_the_key(start_server: Callable[..., ServerProcess], fake: FakeProviders,
                                          client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(**fake.base_urls())
    if not has_type(server, "llm-prompt"):
        pytest.skip("llm-prompt is not registered yet")
    client = client_factory(server.url)
    fake.reset()
    flow = [node("p", "llm-prompt", prompt="hi", model="gpt-4.1-mini")]
    (error,) = of(client.run(flow, parameters={}), "error")
    assert error["instanceName"] == "p" and "openai_api_key" in error["error"]
    assert fake.requests_to("/openai") == []

    fake.fail_next("/openai", 401, {"error": {"message": f"Incorrect API key provided: {SECRET}",
                                              "type": "invalid_request_error", "code": "invalid_api_key"}})
    events = client.run(flow, parameters={"openai_api_key": SECRET})
    assert of(events, "error") and SECRET not in json.dumps(events)
    assert fake.requests_to("/openai")[0].headers["Authorization"] == f"Bearer {SECRET}"


def test_env_api_keys(start_server: Callable[..., ServerProcess], fake: FakeProviders,
                      client_factory: Callable[..., FlowClient]) -> None:
    """USE_ENV_API_KEYS: each key optional (the reference demanded all five), the server's key used."""
    server = start_server(USE_ENV_API_KEYS="true", OPENAI_API_KEY="env-openai-key-123", **fake.base_urls())
    client = client_factory(server.url)
    start = len(client.events)
    client.emit("process_file", {"jsonFile": json.dumps(chain()), "runId": "no-parameters"})
    assert of(client.wait_run("no-parameters", start=start), "run_end")[0]["status"] == "completed"
    if not has_type(server, "llm-prompt"):
        pytest.skip("llm-prompt is not registered yet")
    fake.reset()
    fake.fail_next("/openai", 401, {"error": {"message": "Incorrect API key provided: env-openai-key-123"}})
    events = client.run([node("p", "llm-prompt", prompt="hi", model="gpt-4.1-mini")],
                        parameters={"openai_api_key": "from-the-browser"})
    assert fake.requests_to("/openai")[0].headers["Authorization"] == "Bearer env-openai-key-123"
    assert "env-openai-key-123" not in json.dumps(events)
