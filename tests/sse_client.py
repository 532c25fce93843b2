"""A small Server-Sent Events client for the tests: reads events (and comments) line by line over http.client."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class SSEEvent:
    id: int | None
    event: str
    data: dict[str, Any]


@dataclass
class SSEStream:
    """One open event stream; `comments` counts comment lines (heartbeats and others) by text."""

    response: http.client.HTTPResponse
    conn: http.client.HTTPConnection
    comments: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        return self.response.status

    def next_event(self) -> SSEEvent | None:
        """The next event, or None when the stream has ended."""
        fields: dict[str, str] = {}
        while True:
            raw = self.response.readline()
            if not raw:
                return None
            line = raw.decode("utf-8").rstrip("\r\n")
            if not line:
                if "event" in fields or "data" in fields:
                    return SSEEvent(int(fields["id"]) if "id" in fields else None, fields.get("event", "message"),
                                    json.loads(fields.get("data", "null")))
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value

    def events(self, limit: int | None = None) -> list[SSEEvent]:
        """Events until the stream ends (or `limit` of them)."""
        got: list[SSEEvent] = []
        while limit is None or len(got) < limit:
            event = self.next_event()
            if event is None:
                break
            got.append(event)
        return got

    def close(self) -> None:
        self.conn.close()


def open_stream(url: str, *, last_event_id: int | None = None, timeout: float = 20,
                headers: dict[str, str] | None = None) -> SSEStream:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    sent = {"Accept": "text/event-stream", **(headers or {})}
    if last_event_id is not None:
        sent["Last-Event-ID"] = str(last_event_id)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=sent)
    return SSEStream(conn.getresponse(), conn)
