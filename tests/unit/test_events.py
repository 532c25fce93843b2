"""RunEvents: runId and seq on every event, throttled and delta partials, key redaction, closing."""

from __future__ import annotations

import time
import warnings
from typing import Any, Iterator

import pytest

from app import concurrency
from app.engine.channel import RunChannel
from app.engine.events import RunEvents


class ListSink:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str | None]] = []

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.append((event, dict(payload), to))


@pytest.fixture(params=["gevent", "threading", "eventlet"])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "eventlet":
        with warnings.catch_warnings():  # eventlet warns on import that it is deprecated upstream
            warnings.simplefilter("ignore")
            import eventlet  # noqa: F401
    concurrency.use(request.param)
    yield request.param
    concurrency.use("threading")


def make(interval: float = 0.05, **kwargs: Any) -> tuple[ListSink, RunEvents]:
    sink = ListSink()
    channel = RunChannel("run-1", sink, None, max_tail_chars=10**9)
    channel.follow("sid-9")
    return sink, RunEvents(channel, stream_interval=interval, **kwargs)


def test_envelope_and_shapes(mode: str) -> None:
    sink, events = make()
    events.node_running("a")
    events.node_done("a", "out", 0.1234567)
    events.node_done("b", None, 0)
    events.node_error("c", "failed")
    events.run_end({"a": "out"}, status="failed")
    assert [e[2] for e in sink.events] == ["sid-9"] * 5
    assert [e[1]["seq"] for e in sink.events] == [1, 2, 3, 4, 5]
    assert all(e[1]["runId"] == "run-1" for e in sink.events)
    assert sink.events[0][:2] == ("current_node_running", {"instanceName": "a", "isDone": False,
                                                           "runId": "run-1", "seq": 1})
    assert sink.events[1][1] == {"instanceName": "a", "isDone": True, "duration": 0.123457, "output": "out",
                                 "runId": "run-1", "seq": 2}
    assert "output" not in sink.events[2][1] and sink.events[2][1]["isDone"] is True
    assert sink.events[3][1] == {"instanceName": "c", "isDone": False, "error": "failed", "runId": "run-1",
                                 "seq": 4}
    assert sink.events[4][1] == {"output": {"a": "out"}, "status": "failed", "cancelled": False,
                                 "runId": "run-1", "seq": 5}


def test_nothing_after_run_end(mode: str) -> None:
    sink, events = make()
    events.run_end({}, status="cancelled")
    events.node_done("late", "x", 1)
    events.node_partial("late", "x")
    events.run_end({}, status="cancelled")
    concurrency.sleep(0.1)
    assert [e[0] for e in sink.events] == ["run_end"]
    assert sink.events[0][1]["cancelled"] is True


def test_error_of_run_node_names_the_target() -> None:
    sink, events = make(target="T")
    events.node_error("parent", "boom")
    assert sink.events[0][1]["nodeName"] == "T" and sink.events[0][1]["instanceName"] == "parent"


def test_keys_are_redacted_longest_first_and_short_values_ignored() -> None:
    sink, events = make(secrets=["sk-abcdef", "sk-abcdef-longer", "ab", ""])
    events.node_error("n", "keys sk-abcdef-longer and sk-abcdef; ab stays")
    assert sink.events[0][1]["error"] == "keys *** and ***; ab stays"


def test_partials_throttled_with_the_latest_text_flushed(mode: str) -> None:
    sink, events = make(interval=0.05)
    text = ""
    started = time.monotonic()
    for i in range(100):
        text += f"{i},"
        events.node_partial("n", text)
        concurrency.sleep(0.003)
    elapsed = time.monotonic() - started
    concurrency.sleep(0.12)  # the pending text is flushed by a timer, not by the next call
    partials = [e[1] for e in sink.events if e[0] == "progress"]
    assert partials[-1]["output"] == text
    assert len(partials) <= elapsed * 20 + 3
    stamps = [p["seq"] for p in partials]
    assert stamps == sorted(stamps)
    events.node_done("n", text, 1.0)
    assert sink.events[-1][1]["isDone"] is True and sink.events[-1][1]["output"] == text


def test_done_drops_a_pending_partial(mode: str) -> None:
    sink, events = make(interval=0.05)
    events.node_partial("n", "a")
    events.node_partial("n", "ab")  # pending: inside the interval
    events.node_done("n", "abc", 0.5)
    concurrency.sleep(0.12)
    assert [(e[0], e[1].get("output")) for e in sink.events] == [("progress", "a"), ("progress", "abc")]


def test_delta_partials(mode: str) -> None:
    sink, events = make(interval=0, delta_stream=True)
    for text in ("Hel", "Hello", "Hello world", "Rewritten"):
        events.node_partial("n", text)
    partials = [e[1] for e in sink.events]
    assert partials[0]["delta"] == "Hel" and partials[0]["offset"] == 0
    assert partials[1]["delta"] == "lo" and partials[1]["offset"] == 3
    assert partials[2]["delta"] == " world" and partials[2]["offset"] == 5
    assert partials[3]["output"] == "Rewritten" and "delta" not in partials[3]  # not an extension: full text


@pytest.mark.parametrize("delta_stream", [False, True], ids=["full", "delta"])
def test_appended_chunks_give_the_same_wire_as_whole_texts(mode: str, delta_stream: bool) -> None:
    """node_delta (chunks) and node_partial (the whole text each time) put the same partials on the wire."""
    chunks = ["Hel", "lo", " wor", "ld", "!"]
    sent = []
    for feed in ("whole", "chunks"):
        sink, events = make(interval=0, delta_stream=delta_stream)
        text = ""
        for chunk in chunks:
            text += chunk
            events.node_partial("n", text) if feed == "whole" else events.node_delta("n", chunk)
        sent.append([{k: v for k, v in e[1].items() if k != "seq"} for e in sink.events])
    assert sent[0] == sent[1] and len(sent[1]) == len(chunks)
    last = sent[1][-1]
    assert last == ({"instanceName": "n", "isDone": False, "delta": "!", "offset": 11, "runId": "run-1"}
                    if delta_stream else {"instanceName": "n", "isDone": False, "output": "Hello world!",
                                          "runId": "run-1"})


def test_throttled_chunks_are_joined_once_per_partial(mode: str) -> None:
    sink, events = make(interval=0.05, delta_stream=True)
    for i in range(200):
        events.node_delta("n", f"{i},")
    concurrency.sleep(0.12)
    partials = [e[1] for e in sink.events]
    assert len(partials) == 2  # the first chunk at once, the rest in one flush
    assert partials[1]["offset"] == len("0,") and "".join(p["delta"] for p in partials) == "".join(
        f"{i}," for i in range(200))


def test_a_lazy_whole_text_is_built_only_when_sent(mode: str) -> None:
    sink, events = make(interval=0.05)
    built: list[int] = []

    def text(n: int) -> Any:
        return lambda: built.append(n) or f"text {n}"

    for n in range(50):
        events.node_partial("n", text(n))
    concurrency.sleep(0.12)
    assert built == [0, 49]
    assert [e[1]["output"] for e in sink.events] == ["text 0", "text 49"]


def test_waiting_for_a_slot_is_a_queued_progress_then_running(mode: str) -> None:
    sink, events = make()
    events.node_waiting("n", True)
    events.node_waiting("n", False)
    assert [(e[0], {k: v for k, v in e[1].items() if k not in ("runId", "seq")}) for e in sink.events] == [
        ("progress", {"instanceName": "n", "isDone": False, "queued": True}),
        ("current_node_running", {"instanceName": "n", "isDone": False})]
