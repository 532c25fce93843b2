"""A Socket.IO client that records a run's events and waits for its end; node dicts; the run_end and errors."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import socketio


class FlowClient:
    """A Socket.IO client that records every event and waits for a run's end."""

    EVENTS = ("progress", "current_node_running", "error", "run_end", "app_config_updated")

    def __init__(self, url: str, **connect_kwargs: Any) -> None:
        self.events: list[tuple[str, dict[str, Any], float]] = []
        self._cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        for name in self.EVENTS:
            self.sio.on(name, self._recorder(name))
        self.sio.connect(url, wait_timeout=10, **connect_kwargs)

    def _recorder(self, name: str):  # type: ignore[no-untyped-def]
        def record(data: Any = None) -> None:
            with self._cond:
                self.events.append((name, data, time.monotonic()))
                self._cond.notify_all()
        return record

    def emit(self, event: str, payload: Any) -> None:
        self.sio.emit(event, payload)

    def run(self, flow: list[dict[str, Any]] | str, *, event: str = "process_file", timeout: float = 20,
            **extra: Any) -> list[tuple[str, dict[str, Any]]]:
        """Send a run and return its events (those with its runId, or a bare error) once it ends."""
        run_id = extra.pop("runId", None) or uuid.uuid4().hex
        payload = {"jsonFile": flow if isinstance(flow, str) else json.dumps(flow),
                   "parameters": extra.pop("parameters", {}), "runId": run_id, **extra}
        start = len(self.events)
        self.emit(event, payload)
        return self.wait_run(run_id, timeout=timeout, start=start)

    def wait_run(self, run_id: str, *, timeout: float = 20, start: int = 0) -> list[tuple[str, dict[str, Any]]]:
        deadline = time.monotonic() + timeout

        def mine() -> list[tuple[str, dict[str, Any]]]:
            return [(n, d) for n, d, _ in self.events[start:] if isinstance(d, dict) and d.get("runId") == run_id]

        with self._cond:
            while True:
                events = mine()
                if any(n == "run_end" for n, _ in events):
                    return events
                if any(n == "error" and "instanceName" not in d for n, d in events):
                    return events
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"run {run_id} did not end; events: {events}")
                self._cond.wait(remaining)

    def wait_for(self, predicate: Any, timeout: float = 10) -> tuple[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for name, data, _ in self.events:
                    if predicate(name, data):
                        return name, data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching event; got {[(n, d) for n, d, _ in self.events]}")
                self._cond.wait(remaining)

    def close(self) -> None:
        self.sio.disconnect()


def node(name: str, processor_type: str, inputs: list[tuple[str, str | None, int | None]] = (), **values: Any
         ) -> dict[str, Any]:
    """A node dict as the editor sends it; inputs are (source, inputName, outputKey)."""
    return {"name": name, "processorType": processor_type,
            "inputs": [{"inputNode": src, "inputName": field, "inputNodeOutputKey": key}
                       for src, field, key in inputs], **values}


def run_end_of(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The run_end payload among a run's events."""
    return next(d for n, d in events if n == "run_end")


def first_error(events: list[tuple[str, dict[str, Any]]]) -> str:
    """The text of the first error event of a run (fails the test when there is none)."""
    errors = [d["error"] for n, d in events if n == "error"]
    assert errors, f"expected an error event, got {events}"
    return errors[0]
