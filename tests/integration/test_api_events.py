"""SSE run events against the real server: resuming at random cut points of a streaming run (fake OpenAI) gives
exactly the missed events, live or replayed; heartbeats while idle; a finished run replays and ends;
Last-Event-ID and ?after=; every async mode streams without buffering."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from app.testing.fakes.llm_fake import start_llm_fake
from app.testing.fakes.openai_api import reset_script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import node
from app.testing.server_process import ServerProcess
from tests.sse_client import SSEEvent, open_stream

CUTS = 20


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeProviders]:
    fake = start_llm_fake()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def sse_server(fake_llm: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess({**fake_llm.base_urls(), "STREAM_INTERVAL_MS": "10", "SSE_HEARTBEAT_S": "0.2",
                            "PROVIDER_MAX_RETRIES": "0"}, tmp_path_factory.mktemp("sse"))
    yield server
    server.stop()


def streaming_run(server: ServerProcess, fake: FakeProviders, words: int, pace: float) -> str:
    script = reset_script(fake)
    script.answer = "".join(f"w{i} " for i in range(words))
    script.pace = pace
    flow = [node("ask#llm-prompt", "llm-prompt", model="gpt-4.1-mini", prompt="Write", af_node_version=2)]
    response = requests.post(server.url + "/api/v1/runs", json={"flow": flow, "streamFormat": "delta",
                                                                "useCache": False,  # a fresh stream each time
                                                                "parameters": {"openai_api_key": "sk-sse"}},
                             timeout=30)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def events_url(server: ServerProcess, run_id: str, query: str = "") -> str:
    return f"{server.url}/api/v1/runs/{run_id}/events{query}"


def as_tuples(events: list[SSEEvent]) -> list[tuple[Any, ...]]:
    return [(e.id, e.event, e.data) for e in events]


def test_resume_at_random_cut_points_gives_exactly_the_missed_events(sse_server: ServerProcess,
                                                                     fake_llm: FakeProviders) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    run_id = streaming_run(sse_server, fake_llm, words=500, pace=0.006)
    full: list[SSEEvent] = []
    resumed: dict[int, list[SSEEvent]] = {}
    failures: list[BaseException] = []
    cuts = [rng.randint(1, 120) for _ in range(CUTS)]
    pauses = [rng.choice((0.0, 0.05, 0.3, 1.0, 4.0)) for _ in range(CUTS)]

    def reference() -> None:
        stream = open_stream(events_url(sse_server, run_id))
        full.extend(stream.events())
        stream.close()

    def cut_and_resume(index: int) -> None:
        try:
            stream = open_stream(events_url(sse_server, run_id))
            first = stream.events(limit=cuts[index])
            stream.close()  # the client goes away mid-stream
            time.sleep(pauses[index])
            last = first[-1].id
            if index % 2:
                again = open_stream(events_url(sse_server, run_id), last_event_id=last)
            else:
                again = open_stream(events_url(sse_server, run_id, f"?after={last}"))
            resumed[index] = first + again.events()
            again.close()
        except BaseException as exc:  # reported below with the seed
            failures.append(exc)

    threads = [threading.Thread(target=reference)] + [threading.Thread(target=cut_and_resume, args=(i,))
                                                      for i in range(CUTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, f"seed {seed}: {failures!r}"
    expected = as_tuples(full)
    assert [seq for seq, _, _ in expected] == list(range(1, len(expected) + 1)), f"seed {seed}"
    assert expected[-1][1] == "run_end" and len(expected) > 125, f"seed {seed}: {len(expected)} events"
    partials = [data for _, name, data in expected if name == "progress" and not data["isDone"]]
    assert len(partials) > 20 and all("delta" in data for data in partials)
    for index in range(CUTS):
        got = as_tuples(resumed[index])
        assert got == expected, f"seed {seed}, cut {cuts[index]}, pause {pauses[index]}: " \
                                f"{len(got)} events vs {len(expected)}"
    replayed = open_stream(events_url(sse_server, run_id))
    assert as_tuples(replayed.events()) == expected  # the finished run, from the history


def test_heartbeats_while_idle_and_events_arrive_live(sse_server: ServerProcess, fake_llm: FakeProviders) -> None:
    run_id = streaming_run(sse_server, fake_llm, words=4, pace=0.7)
    stream = open_stream(events_url(sse_server, run_id))
    assert stream.status == 200
    assert stream.response.getheader("Content-Type").startswith("text/event-stream")
    assert "no-transform" in stream.response.getheader("Cache-Control")
    assert stream.response.getheader("Content-Encoding") is None
    first = stream.next_event()
    assert first is not None and first.id == 1
    status = requests.get(f"{sse_server.url}/api/v1/runs/{run_id}", timeout=10).json()["status"]
    assert status == "running"  # the first event came while the run was going: nothing held it back
    rest = stream.events()
    assert rest[-1].event == "run_end" and rest[-1].data["status"] == "completed"
    assert stream.comments.count("heartbeat") >= 3, stream.comments


def test_a_finished_run_replays_and_ends(sse_server: ServerProcess, fake_llm: FakeProviders) -> None:
    run_id = streaming_run(sse_server, fake_llm, words=30, pace=0.0)
    live = open_stream(events_url(sse_server, run_id)).events()
    last = live[-1].id
    assert live[-1].event == "run_end" and last is not None
    started = time.monotonic()
    assert as_tuples(open_stream(events_url(sse_server, run_id)).events()) == as_tuples(live)
    assert as_tuples(open_stream(events_url(sse_server, run_id, "?after=2")).events()) == as_tuples(live[2:])
    tail = open_stream(events_url(sse_server, run_id, "?after=1"), last_event_id=last - 2).events()
    assert as_tuples(tail) == as_tuples(live[-2:])  # Last-Event-ID wins over ?after=
    assert open_stream(events_url(sse_server, run_id), last_event_id=last).events() == []
    assert open_stream(events_url(sse_server, run_id), last_event_id=10**20).events() == []  # past any seq
    assert time.monotonic() - started < 5  # each replay ended on its own


def test_bad_resume_points_are_400(sse_server: ServerProcess, fake_llm: FakeProviders) -> None:
    run_id = streaming_run(sse_server, fake_llm, words=3, pace=0.0)
    for query, headers, field in (("?after=-1", {}, "after"), ("?after=x", {}, "after"),
                                  ("", {"Last-Event-ID": "abc"}, "Last-Event-ID")):
        response = requests.get(events_url(sse_server, run_id, query), headers=headers, timeout=10)
        assert response.status_code == 400 and response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("mode", ["threading", "eventlet", "gevent"])
def test_every_async_mode_streams_live_with_heartbeats(mode: str, start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(ASYNC_MODE=mode, USE_MOCK="true", SSE_HEARTBEAT_S="0.2", MOCK_DELAY_MIN="0.01",
                          MOCK_DELAY_MAX="0.02")
    flow = [node("in#input-text", "input-text", inputText="x"),
            node("slow#llm-prompt", "llm-prompt", [("in#input-text", None, 0)], model="gpt-4.1-mini", prompt="p",
                 af_node_version=2, sleepDuration=1.0)]
    run_id = requests.post(server.url + "/api/v1/runs", json={"flow": flow}, timeout=30).json()["id"]
    stream = open_stream(events_url(server, run_id))
    events = stream.events()
    assert events[-1].event == "run_end" and events[-1].data["status"] == "completed"
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    assert stream.comments.count("heartbeat") >= 2, (mode, stream.comments)
    again = open_stream(events_url(server, run_id), last_event_id=2).events()
    assert as_tuples(again) == as_tuples(events[2:])
