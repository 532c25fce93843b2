"""SIGTERM/SIGINT drain the real server: no new runs, running ones finish within the grace or end
`interrupted`, then the process exits 0."""

from __future__ import annotations

import json
import signal
import time
import uuid
from typing import Any, Callable

import pytest

from app.testing.flow_client import FlowClient, first_error, node, run_end_of
from app.testing.server_process import ServerProcess

SLOW = [node("ask", "llm-prompt", prompt="hello")]  # a provider node: mocked, takes MOCK_DELAY seconds


def start_slow_run(client: FlowClient) -> str:
    run_id = uuid.uuid4().hex
    client.emit("process_file", {"jsonFile": json.dumps(SLOW), "runId": run_id})
    client.wait_for(lambda n, d: n == "current_node_running" and d.get("runId") == run_id)
    return run_id


def exit_code(server: ServerProcess, timeout: float) -> int | None:
    try:
        return server.proc.wait(timeout)
    except Exception:
        return None


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_short_grace_interrupts_the_run_and_exits_0(start_server: Callable[..., ServerProcess],
                                                    client_factory: Callable[..., FlowClient], mode: str) -> None:
    server = start_server(ASYNC_MODE=mode, USE_MOCK="true", MOCK_DELAY_MIN="30", MOCK_DELAY_MAX="30",
                          SHUTDOWN_GRACE_S="0.5")
    client = client_factory(server.url)
    run_id = start_slow_run(client)
    sent = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    end = run_end_of(client.wait_run(run_id, timeout=10))
    assert end["status"] == "interrupted" and end["cancelled"] is True, server.log()
    assert time.monotonic() - sent < 5
    assert exit_code(server, 10) == 0, server.log()


def test_long_grace_lets_the_run_finish_refuses_new_ones_then_exits_0(
        start_server: Callable[..., ServerProcess], client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(USE_MOCK="true", MOCK_DELAY_MIN="2", MOCK_DELAY_MAX="2", SHUTDOWN_GRACE_S="30")
    client = client_factory(server.url)
    run_id = start_slow_run(client)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    refused = client.run([node("in", "input-text", inputText="late")], timeout=5)
    assert "server is shutting down" in first_error(refused).lower()
    end = run_end_of(client.wait_run(run_id, timeout=10))
    assert end["status"] == "completed" and end["output"]["ask"]
    assert exit_code(server, 10) == 0, server.log()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_an_idle_server_exits_0_at_once(start_server: Callable[..., ServerProcess], signum: Any, mode: str) -> None:
    server = start_server(ASYNC_MODE=mode, USE_MOCK="true")
    sent = time.monotonic()
    server.proc.send_signal(signum)
    assert exit_code(server, 5) == 0, server.log()
    assert time.monotonic() - sent < 2
