"""The server starts and runs flows in every ASYNC_MODE; the default mode starts without log noise."""

from __future__ import annotations

import json
import time
from typing import Any, Callable

import pytest

from tests.support import FlowClient, ServerProcess, node


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
