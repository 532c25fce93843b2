"""Every bad input is answered with one `error` naming the problem; the socket stays usable and other
sockets' runs are unaffected; nothing of a rejected flow runs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess

GOOD = [node("in", "input-text", inputText="still fine")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess({"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.02",
                         "MAX_FLOW_SIZE_MB": "0.05"}, tmp_path_factory.mktemp("bad-input"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def sock(server: ServerProcess) -> Iterator[FlowClient]:
    client = FlowClient(server.url)
    yield client
    client.close()


def answers(client: FlowClient, event: str, payload: Any) -> list[dict[str, Any]]:
    """Send one bad request, then a good run on the same socket: return what came back in between."""
    start = len(client.events)
    client.emit(event, payload)
    deadline = time.monotonic() + 10
    while not any(name == "error" for name, _, _ in client.events[start:]):
        assert time.monotonic() < deadline, f"no error event for {payload!r:.200}"
        time.sleep(0.01)
    good = client.run(GOOD)
    assert good[-1][0] == "run_end" and good[-1][1]["status"] == "completed"  # connection kept, still works
    end = next(i for i, (name, data, _) in enumerate(client.events)
               if name == "run_end" and data.get("runId") == good[-1][1]["runId"])
    between = [(name, data) for name, data, _ in client.events[start:end]
               if not (isinstance(data, dict) and data.get("runId") == good[-1][1]["runId"])]
    errors = [data for name, data in between if name == "error"]
    assert len(errors) == 1, between
    assert [name for name, _ in between] == ["error"], between  # nothing of the rejected flow ran
    assert "Traceback" not in json.dumps(errors)
    return errors


def flow_payload(flow: Any, **extra: Any) -> dict[str, Any]:
    return {"jsonFile": flow if isinstance(flow, str) else json.dumps(flow), "parameters": {}, **extra}


CASES: list[tuple[str, str, Callable[[], Any], str]] = [
    ("malformed JSON", "process_file", lambda: flow_payload('[{"name": "a",'), "not valid JSON"),
    ("not a list", "process_file", lambda: flow_payload('{"name": "a"}'), "must be a JSON array"),
    ("empty flow", "process_file", lambda: flow_payload("[]"), "Invalid input or missing configuration file"),
    ("missing jsonFile", "process_file", lambda: {"parameters": {}}, "flow is missing"),
    ("duplicate names", "process_file",
     lambda: flow_payload([node("a", "input-text", inputText="x"), node("a", "input-text", inputText="y")]),
     "Two nodes are named 'a'"),
    ("unknown processorType", "process_file",
     lambda: flow_payload([node("ok", "input-text", inputText="x"), node("b", "no-such-node")]),
     "Processor type 'no-such-node' not supported"),
    ("unknown inputNode", "process_file",
     lambda: flow_payload([node("b", "transition", [("ghost", None, 0)])]), "Input processor 'ghost' not found"),
    ("cycle", "process_file",
     lambda: flow_payload([node("free", "input-text", inputText="x"), node("c1", "transition", [("c2", None, 0)]),
                           node("c2", "transition", [("c1", None, 0)])]), "cycle"),
    ("self loop", "process_file",
     lambda: flow_payload([node("me", "transition", [("me", None, 0)])]), "cycle: me -> me"),
    ("missing required field", "process_file",
     lambda: flow_payload([node("t", "input-text")]), "missing required field 'inputText'"),
    ("over the size limit", "process_file",
     lambda: flow_payload([node("big", "input-text", inputText="x" * 80_000)]), "too large"),
    ("payload is a string", "process_file", lambda: "just text", "payload must be a JSON object"),
    ("payload is a list", "process_file", lambda: [1, 2], "payload must be a JSON object"),
    ("payload is a number", "run_node", lambda: 42, "payload must be a JSON object"),
    ("parameters not an object", "process_file", lambda: {"jsonFile": json.dumps(GOOD), "parameters": "k"},
     "'parameters'"),
    ("bad runId", "process_file", lambda: flow_payload(GOOD, runId="no spaces allowed"), "'runId'"),
    ("run_node without nodeName", "run_node", lambda: flow_payload(GOOD), "'nodeName' is required"),
    ("run_node unknown nodeName", "run_node", lambda: flow_payload(GOOD, nodeName="ghost"),
     "Node 'ghost' is not in the flow"),
    ("run_node bad flow", "run_node", lambda: flow_payload("[1", nodeName="in"), "not valid JSON"),
]


@pytest.mark.parametrize("event, make, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_one_error_naming_the_problem(sock: FlowClient, event: str, make: Callable[[], Any],
                                                     words: str) -> None:
    (error,) = answers(sock, event, make())
    assert words in error["error"]
    if event == "run_node" and isinstance(make(), dict) and make().get("nodeName"):
        assert error["nodeName"] == make()["nodeName"]


def test_rejected_flow_names_the_nodes_and_echoes_the_run_id(sock: FlowClient) -> None:
    flow = [node("free", "input-text", inputText="x"), node("c1", "transition", [("c2", None, 0)]),
            node("c2", "transition", [("c1", None, 0)])]
    (error,) = answers(sock, "process_file", flow_payload(flow, runId="my-run-1"))
    assert error["runId"] == "my-run-1"
    assert set(error["nodes"]) == {"c1", "c2"}
    assert "c1" in error["error"] and "c2" in error["error"]


def test_run_node_without_parameters_is_answered(sock: FlowClient) -> None:
    """The reference sent nothing at all here (client hung); keys are optional, so the node runs."""
    start = len(sock.events)
    sock.emit("run_node", {"jsonFile": json.dumps(GOOD), "nodeName": "in", "runId": "no-params"})
    events = sock.wait_run("no-params", start=start)
    assert events[-1][0] == "run_end" and events[-1][1]["output"] == {"in": "still fine"}


def test_bad_inputs_do_not_disturb_a_run_on_another_socket(server: ServerProcess) -> None:
    worker, attacker = FlowClient(server.url), FlowClient(server.url)
    try:
        flow = [node("slow", "input-text", inputText="a", sleepDuration=1.0),
                node("after", "transition", [("slow", None, 0)])]
        worker.emit("process_file", flow_payload(flow, runId="steady"))
        started = time.monotonic()
        for _, event, make, _words in CASES:
            answers(attacker, event, make())
        events = worker.wait_run("steady", timeout=20)
        assert events[-1][1]["status"] == "completed"
        assert events[-1][1]["output"] == {"slow": "a", "after": "a"}
        assert not [e for e in events if e[0] == "error"]
        assert time.monotonic() - started < 10
    finally:
        worker.close()
        attacker.close()
