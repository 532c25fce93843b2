"""The CLI's event-stream client against a local SSE server that cuts every stream short: it resumes with
Last-Event-ID, yields each event once and in order, and gives up with a message when nothing new comes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.cli.outcome import FAILED, CliError
from app.cli.remote import ApiClient

EVENTS = 10


class CuttingServer:
    """GET /api/v1/runs/{id}/events: from one event before Last-Event-ID (an overlap), at most `per_stream`
    events, then the stream ends; the last event is run_end."""

    def __init__(self, per_stream: int) -> None:
        self.per_stream = per_stream
        self.seen: list[dict[str, Any]] = []
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.seen.append({"last": request.headers.get("Last-Event-ID"), "agent": request.headers.get("User-Agent"),
                          "auth": request.headers.get("Authorization")})
        after = int(request.headers.get("Last-Event-ID") or 0)
        first = max(1, after)  # resend the last one the client has: it must not show twice

        def stream() -> Iterator[str]:
            for seq in range(first, min(EVENTS, first + self.per_stream - 1) + 1):
                name = "run_end" if seq == EVENTS else "progress"
                payload = {"runId": "r1", "seq": seq, "instanceName": "n", "isDone": False, "delta": f"{seq} "}
                yield f"id: {seq}\nevent: {name}\ndata: {json.dumps(payload)}\n\n"
            yield ": heartbeat\n\n"

        return Response(stream(), mimetype="text/event-stream")(environ, start_response)

    def stop(self) -> None:
        self._server.shutdown()


@pytest.fixture
def cutting() -> Iterator[CuttingServer]:
    server = CuttingServer(per_stream=4)
    yield server
    server.stop()


def test_a_cut_stream_resumes_after_the_last_event_without_gap_or_duplicate(cutting: CuttingServer) -> None:
    client = ApiClient(cutting.url, "tok-1", resume_backoff=0.01)
    try:
        events = list(client.events("r1"))
    finally:
        client.close()
    assert [seq for seq, _, _ in events] == list(range(1, EVENTS + 1))
    assert events[-1][1] == "run_end"
    assert [hit["last"] for hit in cutting.seen] == [None, "4", "7"]
    assert all(hit["agent"].startswith("aiflow-cli/") and hit["auth"] == "Bearer tok-1" for hit in cutting.seen)


def test_a_stream_that_brings_nothing_new_gives_up_with_a_message() -> None:
    server = CuttingServer(per_stream=1)  # every stream resends only the event the client already has
    client = ApiClient(server.url, None, resume_backoff=0.01)
    try:
        with pytest.raises(CliError) as caught:
            list(client.events("r1"))
    finally:
        client.close()
        server.stop()
    assert caught.value.code == FAILED
    assert "Lost the events of run r1" in caught.value.message
    assert "auth" in server.seen[0] and server.seen[0]["auth"] is None
