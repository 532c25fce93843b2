"""The provider pools' connection check: right about closed sockets, and never a task switch under gevent/eventlet."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from app import concurrency
from app.providers.http_pool import pooled_transport
from app.settings import Settings
from app.testing.server_process import ROOT


@pytest.fixture
def one_answer_server() -> Iterator[tuple[str, threading.Event]]:
    """Answers one keep-alive request, then closes the connection when told to."""
    listener = socket.create_server(("127.0.0.1", 0))
    close = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        close.wait(10)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/", close
    close.set()
    listener.close()


def test_pooled_connections_tell_an_idle_socket_from_a_closed_one(
        one_answer_server: tuple[str, threading.Event]) -> None:
    concurrency.use("threading")
    url, close = one_answer_server
    client = httpx.Client(transport=pooled_transport(httpx, "GreenTest", Settings(PROVIDER_KEEPALIVE_S=30)))
    with client.stream("GET", url) as response:
        assert response.read() == b"ok"
        stream = response.extensions["network_stream"]
    assert type(stream).__name__.startswith("GreenSafeStream")
    assert stream.get_extra_info("is_readable") is False  # idle keep-alive connection: reusable
    close.set()
    for _ in range(100):
        if stream.get_extra_info("is_readable"):
            break
        threading.Event().wait(0.02)
    assert stream.get_extra_info("is_readable") is True  # the server closed it: httpcore drops it


CHECK = """
import socket, sys
from app import concurrency
concurrency.patch(sys.argv[1])
ran = []
concurrency.spawn(ran.append, 1)
a, b = socket.socketpair()
idle = concurrency.readable_now(a.fileno())
b.sendall(b"x")
print(idle, concurrency.readable_now(a.fileno()), bool(ran))
"""


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_readable_now_never_switches_tasks(mode: str) -> None:
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", CHECK, mode], cwd=str(ROOT), capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    assert out == ["False", "True", "False"]  # the spawned task never ran: the check did not yield
