"""The server starts and runs flows in every ASYNC_MODE; the default mode starts without log noise."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest
import requests

from app.testing.fakes.web_content import DripServer
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess


def parallel_flow() -> list[dict[str, Any]]:
    """A root, four 0.5 s children in parallel, and a node after the first child."""
    return [node("root", "input-text", inputText="go")] + [
        node(f"child{i}", "transition", [("root", None, 0)], sleepDuration=0.5) for i in range(4)] + [
        node("end", "display", [("child0", None, 0)])]


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_server_runs_a_flow_in_each_mode(mode: str, start_server: Callable[..., ServerProcess],
                                         client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(ASYNC_MODE=mode, USE_MOCK="true")
    assert f"mode: {mode}" in server.log()
    first, second = client_factory(server.url), client_factory(server.url)
    started = time.monotonic()
    second.emit("process_file", {"jsonFile": json.dumps(parallel_flow()), "runId": "other"})
    events = first.run(parallel_flow(), runId="mine")
    other = second.wait_run("other")
    elapsed = time.monotonic() - started
    for run in (events, other):
        end = run[-1][1]
        assert end["status"] == "completed"
        assert end["output"]["end"] == "go" and len(end["output"]) == 6
    assert elapsed < 1.5  # eight 0.5 s nodes over two runs overlapped: not 4 s in a row
    assert "Traceback" not in server.log()


def test_default_mode_starts_without_warnings(start_server: Callable[..., ServerProcess],
                                              client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(ASYNC_MODE="", USE_MOCK="true")
    client = client_factory(server.url)
    assert client.run([node("a", "input-text", inputText="x")])[-1][1]["status"] == "completed"
    log = server.log()
    assert "mode: gevent" in log
    assert "warning" not in log.lower() and "deprecat" not in log.lower(), log


def test_missing_secret_key_is_the_only_warning(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(FLASK_SECRET_KEY="")
    warnings = [line for line in server.log().splitlines() if "warning" in line.lower()]
    assert len(warnings) == 1 and "FLASK_SECRET_KEY" in warnings[0]


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_a_blocking_call_in_a_node_does_not_freeze_the_server(
        mode: str, start_server: Callable[..., ServerProcess], client_factory: Callable[..., FlowClient]) -> None:
    """Full monkey-patching: http-get-processor's blocking HTTP call on a slow host yields."""
    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            time.sleep(1.5)
            body = b"slow answer"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    slow = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    try:
        server = start_server(ASYNC_MODE=mode, ALLOW_PRIVATE_URLS="true")
        if "http-get-processor" not in requests.get(server.url + "/node/configs", timeout=5).json()["types"]:
            pytest.skip("http-get-processor is not registered yet")
        blocked, free = client_factory(server.url), client_factory(server.url)
        url = f"http://127.0.0.1:{slow.server_address[1]}/wait"
        blocked.emit("process_file", {"jsonFile": json.dumps([node("get", "http-get-processor", url=url)]),
                                      "runId": "slow-get"})
        blocked.wait_for(lambda n, d: n == "current_node_running" and d.get("runId") == "slow-get")
        started = time.monotonic()
        quick = free.run([node("a", "input-text", inputText="x")])
        assert quick[-1][1]["status"] == "completed"
        assert time.monotonic() - started < 0.8  # not stuck behind the 1.5 s request
        events = blocked.wait_run("slow-get", timeout=10)
        assert events[-1][1]["status"] == "completed"
        assert "slow answer" in json.dumps(events[-1][1]["output"])
    finally:
        slow.shutdown()


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_a_dripping_server_cannot_hold_a_node_past_its_deadline(
        mode: str, start_server: Callable[..., ServerProcess], client_factory: Callable[..., FlowClient]) -> None:
    """One byte every 0.2 s would take 200 s: the fetch's total deadline (2 s) holds on the wall clock."""
    drip = DripServer(part="body", interval=0.2)
    try:
        server = start_server(ASYNC_MODE=mode, ALLOW_PRIVATE_URLS="true", FETCH_TIMEOUT_S="2")
        url = drip.url + "/drip.txt"
        started = time.monotonic()
        events = client_factory(server.url).run([node("get", "http-get-processor", url=url)], timeout=20)
        elapsed = time.monotonic() - started
    finally:
        drip.stop()
    errors = [d["error"] for n, d in events if n == "error"]
    assert errors and errors[0] == f"Fetching '{url}' timed out after 2 s."
    assert elapsed < 3.0, f"{mode}: the node took {elapsed:.1f} s against a 2 s deadline"
