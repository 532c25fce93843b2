"""The Socket.IO transport as clients meet it: close handshakes, large events, events sent at once."""

from __future__ import annotations

import json
import socket
import statistics
import time
import uuid
from typing import Any, Callable

import pytest
import requests
import websocket

from app.testing.flow_client import FlowClient, node, run_end_of
from app.testing.server_process import ServerProcess

NOISE = ("Invalid http version", "Expected GET method", "Invalid HTTP method", "Traceback")


def one_node_flow(text: str = "hello") -> list[dict[str, Any]]:
    return [node("a", "input-text", inputText=text)]


def test_fifty_clients_connect_run_and_close_quickly(mock_server: ServerProcess) -> None:
    """Every disconnect completes the WebSocket close handshake at once (no 3 s client timeout)."""
    closes = []
    for _ in range(50):
        client = FlowClient(mock_server.url, transports=["websocket"])
        events = client.run(one_node_flow())
        assert run_end_of(events)["status"] == "completed"
        started = time.perf_counter()
        client.close()
        closes.append(time.perf_counter() - started)
    assert max(closes) < 0.1, f"slowest disconnect {max(closes) * 1000:.0f} ms"
    noisy = [line for line in mock_server.log().splitlines() if any(n in line for n in NOISE)]
    assert not noisy, noisy[:5]


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Events up to 100 MB inline, so the transport itself carries them."""
    server = ServerProcess({"MAX_EVENT_MB": "100", "MAX_FLOW_SIZE_MB": "12", "MAX_NODE_OUTPUT_MB": "100"},
                           tmp_path_factory.mktemp("big-events"))
    yield server
    server.stop()


def repeated_flow(megabytes: int, times: int) -> list[dict[str, Any]]:
    """An input of `megabytes` MB repeated `times` times by a merger: one output of megabytes x times."""
    text = "".join(chr(0x41 + i % 26) for i in range(1024)) * (megabytes * 1024)
    return [node("src", "input-text", inputText=text),
            node("big", "merger-prompt", [("src", "input-1", 0)], prompt="${input-1}" * times,
                 inputNames=["input-1"])]


@pytest.mark.parametrize("transport", ["websocket", "polling"])
@pytest.mark.parametrize("megabytes,times", [(10, 1), (10, 5)])
def test_large_events_arrive_intact(big_server: ServerProcess, transport: str, megabytes: int, times: int) -> None:
    client = FlowClient(big_server.url, transports=[transport])
    try:
        flow = repeated_flow(megabytes, times)
        events = client.run(flow, timeout=90)
        assert run_end_of(events)["status"] == "completed"
        # python-socketio's client hands each message to its own thread: wait for this one too
        _, done = client.wait_for(lambda n, d: n == "progress" and d.get("instanceName") == "big"
                                  and d.get("isDone"), timeout=60)
        assert done["output"] == flow[0]["inputText"] * times
    finally:
        client.close()


def test_large_output_travels_as_a_link_and_run_end_does_not_repeat_it(mock_server: ServerProcess) -> None:
    """Over MAX_EVENT_MB (1 MB by default) the event carries a stored file's link; run_end links too."""
    text = "0123456789abcdef" * (3 * 65536)  # 3 MB
    client = FlowClient(mock_server.url)
    try:
        events = client.run(one_node_flow(text), timeout=30)
        done = next(d for n, d in events if n == "progress" and d.get("isDone"))
        (ref,) = done["largeOutputs"]
        assert ref["bytes"] == len(text) and ref["index"] is None and done["output"] == ref["url"]
        assert requests.get(ref["url"], timeout=10).text == text
        sizes = [len(json.dumps(d)) for _, d in events]
        assert max(sizes) < 4096, sizes
        assert run_end_of(events)["output"] == {"a": ref["url"]}
    finally:
        client.close()


class RawSocketIO:
    """A bare WebSocket Socket.IO client: no ACK tricks, times each frame's arrival."""

    def __init__(self, url: str) -> None:
        ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(ws_url, timeout=10)
        assert self.ws.recv().startswith("0")  # engine.io open
        self.ws.send("40")
        assert self.ws.recv().startswith("40")  # socket.io connect

    def run(self, flow: list[dict[str, Any]]) -> list[tuple[str, float]]:
        payload = {"jsonFile": json.dumps(flow), "runId": uuid.uuid4().hex}
        self.ws.send("42" + json.dumps(["process_file", payload]))
        arrivals = []
        while True:
            frame = self.ws.recv()
            now = time.perf_counter()
            if frame == "2":
                self.ws.send("3")
                continue
            name = json.loads(frame[2:])[0]
            arrivals.append((name, now))
            if name in ("run_end", "error"):
                return arrivals

    def close(self) -> None:
        self.ws.close()


def test_events_of_a_run_leave_together(mock_server: ServerProcess) -> None:
    """The three events of a one-node run are not held back by Nagle's algorithm waiting for an ACK."""
    client = RawSocketIO(mock_server.url)
    try:
        client.run(one_node_flow())
        gaps = []
        for _ in range(10):
            arrivals = client.run(one_node_flow())
            assert [name for name, _ in arrivals] == ["current_node_running", "progress", "run_end"]
            gaps.append(arrivals[-1][1] - arrivals[0][1])
        assert statistics.median(gaps) < 0.02, f"median gap {statistics.median(gaps) * 1000:.1f} ms"
    finally:
        client.close()


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_accepted_connections_have_no_delay(start_server: Callable[..., ServerProcess], mode: str) -> None:
    """TCP_NODELAY on the server's side of a connection, in every async mode (read through /proc)."""
    server = start_server(ASYNC_MODE=mode)
    client = RawSocketIO(server.url)  # a WebSocket stays open while we look
    try:
        assert server_side_nodelay(server, client.ws.sock.getsockname()[1])
    finally:
        client.close()


def server_side_nodelay(server: ServerProcess, client_port: int) -> bool:
    """Ask the server process's socket, found by its peer port, for TCP_NODELAY via pidfd_getfd."""
    import os

    inode = _inode_of(server.port, client_port)
    for fd_name in os.listdir(f"/proc/{server.proc.pid}/fd"):
        try:
            if os.readlink(f"/proc/{server.proc.pid}/fd/{fd_name}") == f"socket:[{inode}]":
                pidfd = os.pidfd_open(server.proc.pid)
                try:
                    fd = _pidfd_getfd(pidfd, int(fd_name))
                finally:
                    os.close(pidfd)
                with socket.socket(fileno=fd) as dup:
                    return bool(dup.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        except OSError:
            continue
    raise AssertionError("the server's socket for this connection was not found")


def _inode_of(server_port: int, client_port: int) -> str:
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            local_port, remote_port = (int(fields[i].split(":")[1], 16) for i in (1, 2))
            if (local_port, remote_port) == (server_port, client_port) and fields[9] != "0":
                return fields[9]
    raise AssertionError("connection not in /proc/net/tcp")


def _pidfd_getfd(pidfd: int, target_fd: int) -> int:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    syscall_pidfd_getfd = 438
    fd = libc.syscall(syscall_pidfd_getfd, pidfd, target_fd, 0)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "pidfd_getfd failed")
    return fd


@pytest.mark.parametrize("mode", ["eventlet", "threading"])
def test_disconnect_is_prompt_in_the_other_modes(start_server: Callable[..., ServerProcess], mode: str) -> None:
    server = start_server(ASYNC_MODE=mode)
    for _ in range(5):
        client = FlowClient(server.url, transports=["websocket"])
        started = time.perf_counter()
        client.close()
        assert time.perf_counter() - started < 0.1
