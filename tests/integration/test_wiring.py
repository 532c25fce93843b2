"""The injector wiring: a test swaps the event sink and the node registry without touching the app."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from injector import Binder, Module

from app import create_app, socketio_of
from app.engine.channel import EventSink
from app.nodes.base import Processor
from app.nodes.core.input_text import InputTextProcessor
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings


class Shout(Processor):
    processor_type = "test-shout"

    def process(self) -> Any:
        return str(self.first_input("")).upper()


class ListSink:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str | None]] = []
        self.ended = threading.Event()

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.append((event, payload, to))
        if event == "run_end":
            self.ended.set()


def make_app(tmp_path: Path, sink: ListSink):  # type: ignore[no-untyped-def]
    class TestBindings(Module):
        def configure(self, binder: Binder) -> None:
            binder.bind(EventSink, to=sink)
            binder.bind(ProcessorRegistry, to=ProcessorRegistry([InputTextProcessor, Shout]))

    settings = Settings(ASYNC_MODE="threading", FLASK_SECRET_KEY="test",
                        LOCAL_STORAGE_FOLDER_NAME=str(tmp_path / "storage"))
    return create_app(settings, modules=[TestBindings()])


def test_overridden_sink_and_registry_drive_a_run(tmp_path: Path) -> None:
    sink = ListSink()
    app = make_app(tmp_path, sink)
    client = socketio_of(app).test_client(app)
    flow = [{"name": "a", "processorType": "input-text", "inputText": "hello"},
            {"name": "b", "processorType": "test-shout", "inputs": [{"inputNode": "a"}]}]
    client.emit("process_file", {"jsonFile": json.dumps(flow), "runId": "r1"})
    assert sink.ended.wait(5)
    names = [event for event, _, _ in sink.events]
    assert names.count("progress") == 2 and names[-1] == "run_end"
    assert sink.events[-1][1]["output"] == {"a": "hello", "b": "HELLO"}
    assert all(payload["runId"] == "r1" for _, payload, _ in sink.events)


def test_overridden_registry_is_what_the_catalogue_and_validation_see(tmp_path: Path) -> None:
    app = make_app(tmp_path, ListSink())
    listed = app.test_client().get("/node/configs").get_json()
    assert set(listed["types"]) == {"input-text", "test-shout"}
    client = socketio_of(app).test_client(app)
    client.emit("process_file", {"jsonFile": json.dumps([{"name": "t", "processorType": "transition"}])})
    (error,) = [e for e in client.get_received() if e["name"] == "error"]
    assert "'transition' not supported" in error["args"][0]["error"]
