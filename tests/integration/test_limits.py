"""Bounded resources against the real server: user regexes, output amplification, large flows, runs per client."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.testing.flow_client import FlowClient, first_error, node, run_end_of
from app.testing.server_process import ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess({"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.02"},
                        tmp_path_factory.mktemp("limits"))
    yield srv
    srv.stop()


@pytest.fixture
def sock(server: ServerProcess) -> Iterator[FlowClient]:
    client = FlowClient(server.url)
    yield client
    client.close()


PROBE = """
import sys, threading, time, json, requests
url, done, latencies = sys.argv[1], threading.Event(), []
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
while not done.is_set():
    started = time.monotonic()
    requests.get(url + "/healthcheck", timeout=30).raise_for_status()
    latencies.append(time.monotonic() - started)
    if len(latencies) == 1:
        print("ready", flush=True)
    time.sleep(0.01)
print(json.dumps(latencies))
"""


class HealthProbe:
    """Polls /healthcheck with a new connection each time (as a load balancer's probe) from a process
    of its own, so the test's own Socket.IO client does not skew the figures; the latencies it saw."""

    def __init__(self, url: str) -> None:
        self._proc = subprocess.Popen([sys.executable, "-c", PROBE, url], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None and self._proc.stdout.readline().strip() == "ready"

    def stop(self) -> list[float]:
        out, _ = self._proc.communicate(input="", timeout=35)
        return sorted(json.loads(out.strip().splitlines()[-1]))


def p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def rss_mb(server: ServerProcess) -> float:
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def node_errors(events: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    return {d["instanceName"]: d["error"] for n, d in events if n == "error" and "instanceName" in d}


# ---- 1. user regexes ----------------------------------------------------------------------------
def test_catastrophic_regex_ends_at_once_and_the_server_stays_responsive(server: ServerProcess,
                                                                          sock: FlowClient) -> None:
    probe = HealthProbe(server.url)
    started = time.monotonic()
    events = sock.run([node("r", "replace-text", input_text="a" * 30 + "!", search_text="(a+)+$",
                            replacement_text="x", use_regex=True)], timeout=5)
    elapsed = time.monotonic() - started
    latencies = probe.stop()
    assert elapsed < 1, f"took {elapsed:.2f} s"
    assert run_end_of(events)["status"] == "completed"
    assert run_end_of(events)["output"]["r"] == ["a" * 30 + "!"]
    assert latencies and latencies[-1] < 0.5


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?<=a)b", "(unclosed"])
def test_patterns_re2_refuses_are_a_node_error_naming_the_field(sock: FlowClient, pattern: str) -> None:
    started = time.monotonic()
    events = sock.run([node("r", "replace-text", input_text="aab", search_text=pattern,
                            replacement_text="x", use_regex=True)], timeout=5)
    assert time.monotonic() - started < 1
    message = node_errors(events)["r"]
    assert "'search_text'" in message and "Traceback" not in message
    assert run_end_of(events)["status"] == "failed"


# ---- 2. output amplification ----------------------------------------------------------------------
def merger_chain(text: str, length: int, repeat: int) -> list[dict[str, Any]]:
    flow = [node("in", "input-text", inputText=text)]
    for index in range(1, length + 1):
        flow.append(node(f"m{index}", "merger-prompt", [(flow[-1]["name"], "input-1", 0)],
                         prompt="${input-1}" * repeat))
    return flow


def test_merger_amplification_stops_at_the_node_output_limit(server: ServerProcess, sock: FlowClient) -> None:
    # 2.7 KB repeated 1000x by six mergers: the second merger's 2.7 GB is refused before it is built
    events = sock.run(merger_chain("x" * 2700, 6, 1000), timeout=60)
    errors = node_errors(events)
    assert list(errors) == ["m2"], errors
    assert "MAX_NODE_OUTPUT_MB" in errors["m2"] and "50 MB" in errors["m2"]
    assert run_end_of(events)["status"] == "failed"
    assert rss_mb(server) < 1024


def test_a_run_holding_too_much_output_fails_at_the_run_limit(start_server: Any,
                                                              client_factory: Any) -> None:
    srv = start_server(USE_MOCK="true", MAX_NODE_OUTPUT_MB="1", MAX_RUN_OUTPUT_MB="2")
    text = "y" * 100_000
    flow = [node("in", "input-text", inputText=text)]
    flow += [node(f"m{i}", "merger-prompt", [("in", "input-1", 0)], prompt="${input-1}" * 9) for i in range(4)]
    events = client_factory(srv.url).run(flow, timeout=30)
    errors = node_errors(events)
    assert errors and all("MAX_RUN_OUTPUT_MB" in message for message in errors.values()), errors
    assert run_end_of(events)["status"] == "failed"
    # a text passed along unchanged is held once: two displays of a 0.9 MB text stay under 2 MB
    relay = [node("in", "input-text", inputText=text), node("m", "merger-prompt", [("in", "input-1", 0)],
                                                            prompt="${input-1}" * 9)]
    relay += [node(f"d{i}", "display", [("m", None, 0)]) for i in range(2)]
    events = client_factory(srv.url).run(relay, timeout=60)
    assert run_end_of(events)["status"] == "completed", node_errors(events)


# ---- 3. large flows, runs per client --------------------------------------------------------------
def wide_flow(count: int) -> list[dict[str, Any]]:
    """One input feeding count - 1 display nodes: thousands of nodes ready at the same moment."""
    return [node("in", "input-text", inputText="hi")] + [
        node(f"d{i}", "display", [("in", None, 0)]) for i in range(count - 1)]


def test_a_flow_over_the_node_limit_is_refused(sock: FlowClient) -> None:
    events = sock.run(wide_flow(5001), timeout=30)
    message = first_error(events)
    assert "5001" in message and "MAX_FLOW_NODES" in message
    assert not any(name == "run_end" for name, _ in events)


def test_the_21st_concurrent_run_of_a_client_is_refused(sock: FlowClient, client_factory: Any,
                                                        server: ServerProcess) -> None:
    slow = [node("in", "input-text", inputText="hi", sleepDuration=5)]
    run_ids = [uuid.uuid4().hex for _ in range(21)]
    for run_id in run_ids[:20]:
        sock.emit("process_file", {"jsonFile": json.dumps(slow), "runId": run_id})
    for run_id in run_ids[:20]:
        sock.wait_for(lambda n, d, r=run_id: n == "current_node_running" and d.get("runId") == r)
    try:
        events = sock.run(slow, runId=run_ids[20], timeout=10)
        message = first_error(events)
        assert "MAX_RUNS_PER_CLIENT" in message and "20" in message
        other = client_factory(server.url).run([node("in", "input-text", inputText="fine")], timeout=10)
        assert run_end_of(other)["status"] == "completed"  # the limit is per client
    finally:
        sock.emit("cancel_run", {})
    for run_id in run_ids[:20]:
        assert run_end_of(sock.wait_run(run_id, timeout=10))["status"] == "cancelled"
    events = sock.run([node("in", "input-text", inputText="again")], timeout=10)
    assert run_end_of(events)["status"] == "completed"  # the places were given back


def poll_events(client: FlowClient, predicate: Any, timeout: float) -> tuple[str, dict[str, Any]]:
    """Like FlowClient.wait_for, without rescanning every event on each arrival (thousands arrive here)."""
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        events = client.events[seen:]
        seen += len(events)
        for name, data, _ in events:
            if predicate(name, data):
                return name, data
        time.sleep(0.05)
    raise TimeoutError("no matching event")


def test_a_wide_flow_keeps_the_server_responsive(server: ServerProcess, sock: FlowClient,
                                                 client_factory: Any) -> None:
    other = client_factory(server.url)
    run_id = uuid.uuid4().hex
    probe = HealthProbe(server.url)
    time.sleep(0.2)
    sock.emit("process_file", {"jsonFile": json.dumps(wide_flow(5000)), "runId": run_id})
    poll_events(sock, lambda n, d: n == "current_node_running" and d.get("runId") == run_id
                and d.get("instanceName", "").startswith("d"), timeout=30)
    started = time.monotonic()
    quick = other.run([node("in", "input-text", inputText="quick")], timeout=10)
    quick_s = time.monotonic() - started
    _, end = poll_events(sock, lambda n, d: n == "run_end" and d.get("runId") == run_id, timeout=90)
    latencies = probe.stop()
    assert end["status"] == "completed" and len(end["output"]) == 5000
    assert run_end_of(quick)["status"] == "completed" and quick_s < 1, quick_s
    assert len(latencies) > 10 and p99(latencies) <= 0.1, (p99(latencies), latencies[-5:])
