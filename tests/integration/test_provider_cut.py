"""A provider connection that breaks in the middle of a streamed answer: the user reads a plain-words
error naming the provider, never an exception class name (a raw socket server cuts the stream)."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from typing import Callable

import pytest

from app.testing.flow_client import FlowClient, first_error, node
from app.testing.server_process import ServerProcess

OPENAI_EVENT = ('event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":'
                '{"id":"resp_x","object":"response","created_at":1,"model":"gpt-4.1-mini","status":"in_progress",'
                '"output":[]}}\n\n')
ANTHROPIC_EVENT = ('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_x","type":"message",'
                   '"role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,'
                   '"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n')


class CuttingServer:
    """Answers every request with a chunked event stream, sends one event, then drops the connection."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    @staticmethod
    def _answer(conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(65536)
            head, _, body = request.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            while len(body) < length:
                body += conn.recv(65536)
            event = (ANTHROPIC_EVENT if b"/v1/messages" in head else OPENAI_EVENT).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + f"{len(event):x}\r\n".encode() + event + b"\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def cutting() -> Iterator[CuttingServer]:
    server = CuttingServer()
    yield server
    server.close()


@pytest.mark.parametrize("processor, values, key, provider", [
    ("llm-prompt", {"model": "gpt-4.1-mini", "prompt": "Hi", "af_node_version": 2}, "openai_api_key", "OpenAI"),
    ("claude-anthropic-processor", {"model": "claude-sonnet-4-6", "prompt": "Hi"}, "anthropic_api_key",
     "Anthropic"),
])
def test_a_stream_cut_off_mid_answer_is_a_plain_words_error(
        cutting: CuttingServer, start_server: Callable[..., ServerProcess],
        client_factory: Callable[..., FlowClient], processor: str, values: dict[str, str], key: str,
        provider: str) -> None:
    server = start_server(OPENAI_BASE_URL=f"{cutting.url}/v1", ANTHROPIC_BASE_URL=cutting.url,
                          PROVIDER_MAX_RETRIES="0")
    client = client_factory(server.url)
    events = client.run([node(f"n#{processor}", processor, **values)], parameters={key: "sk-test"})
    message = first_error(events)
    assert provider in message
    assert "internal error" not in message
    assert not re.search(r"[A-Z][a-z]+(Error|Exception)\b", message), message
