"""Runs outlive a socket: join_run after a drop, orphan grace, restart marks runs interrupted, no key stored."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest

from app.runstore import open_store
from app.testing.fakes.openai_api import script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess
from tests.llm_fixtures import LLM_SERVER_ENV, llm_fake, llm_fake_session  # noqa: F401

KEY = "sk-resume-test-key-7f3a9c"
ANSWER = " ".join(f"token{i}" for i in range(80))
LLM = "llm#llm-prompt"


def llm_flow() -> list[dict[str, Any]]:
    return [node("in#input-text", "input-text", inputText="Say many things"),
            node(LLM, "llm-prompt", [("in#input-text", None, 0)], model="gpt-4.1-mini", prompt="Go",
                 af_node_version=2)]


@pytest.fixture
def slow_llm(llm_fake: FakeProviders) -> FakeProviders:  # noqa: F811
    """The fake answers ANSWER a word every 20 ms (about 1.6 s in all)."""
    s = script(llm_fake)
    s.answer = ANSWER
    s.pace = 0.02
    return llm_fake


def server_for(start: Callable[..., ServerProcess], fake: FakeProviders, **env: str) -> ServerProcess:
    return start(**fake.base_urls(), **LLM_SERVER_ENV, **env)


def store_of(server_data: Path) -> Any:
    return open_store(url=f"sqlite:///{server_data / 'runs.sqlite3'}")


def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def text_of(events: list[tuple[str, dict[str, Any]]]) -> str:
    """The LLM node's text rebuilt from delta partials, as the editor does."""
    text = ""
    for name, payload in events:
        if name == "progress" and payload.get("instanceName") == LLM and not payload["isDone"] and "delta" in payload:
            assert payload["offset"] == len(text), (payload["offset"], len(text))
            text += payload["delta"]
    return text


def test_a_new_socket_joins_mid_stream_and_gets_exactly_what_it_missed(
        slow_llm: FakeProviders, start_server: Callable[..., ServerProcess],
        client_factory: Callable[..., FlowClient]) -> None:
    server = server_for(start_server, slow_llm, RUN_ORPHAN_GRACE_S="10")
    first = client_factory(server.url)
    run_id = uuid.uuid4().hex
    first.emit("process_file", {"jsonFile": json.dumps(llm_flow()), "parameters": {"openai_api_key": KEY},
                                "runId": run_id, "streamFormat": "delta"})
    first.wait_for(lambda n, d: n == "progress" and d.get("instanceName") == LLM and "delta" in d, timeout=10)
    first.close()  # the tab is reloaded: the socket goes, the run goes on
    seen = [(n, d) for n, d, _ in first.events if isinstance(d, dict) and d.get("runId") == run_id]
    last = max(d["seq"] for _, d in seen)
    time.sleep(0.3)  # events keep coming while nobody follows

    second = client_factory(server.url)
    ack = second.sio.call("join_run", {"runId": run_id, "afterSeq": last}, timeout=10)
    assert ack["ok"] is True and ack["status"] == "running" and ack["lastSeq"] > last
    rest = second.wait_run(run_id, timeout=20)
    seqs = [d["seq"] for _, d in seen] + [d["seq"] for _, d in rest]
    assert seqs == list(range(1, len(seqs) + 1)), "a gap or a duplicate between the two sockets"
    streamed = text_of(seen + rest)  # offsets line up across the two sockets
    assert len(streamed) > len(text_of(seen)) and ANSWER.startswith(streamed)
    assert [d["output"] for n, d in rest if n == "progress" and d["isDone"] and d["instanceName"] == LLM] == [ANSWER]
    assert rest[-1][0] == "run_end" and rest[-1][1]["status"] == "completed"
    assert rest[-1][1]["output"][LLM] == ANSWER


def test_an_ended_run_replays_from_history_to_a_joiner(
        client_factory: Callable[..., FlowClient], start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(USE_MOCK="true", MOCK_DELAY_MIN="0", MOCK_DELAY_MAX="0")
    first = client_factory(server.url)
    run_id = uuid.uuid4().hex
    events = first.run([node("a#input-text", "input-text", inputText="hi"),
                        node("b#display", "display", [("a#input-text", None, 0)])], runId=run_id)
    assert events[-1][0] == "run_end"
    later = client_factory(server.url)
    ack = later.sio.call("join_run", {"runId": run_id, "afterSeq": 2}, timeout=10)
    assert ack == {"ok": True, "status": "succeeded", "lastSeq": len(events)}
    replayed = later.wait_run(run_id)
    assert replayed == events[2:]


def test_joining_needs_the_runs_id_and_a_short_id_is_no_capability(
        client_factory: Callable[..., FlowClient], start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(USE_MOCK="true")
    owner = client_factory(server.url)
    owner.emit("process_file", {"jsonFile": json.dumps([node("s#llm-prompt", "llm-prompt", prompt="x",
                                                              sleepDuration=3)]), "runId": "short"})
    owner.wait_for(lambda n, d: n == "current_node_running")
    other = client_factory(server.url)
    ack = other.sio.call("join_run", {"runId": "short", "afterSeq": 0}, timeout=10)
    assert ack["ok"] is False and "not running" in ack["error"]
    ack = other.sio.call("join_run", {"runId": uuid.uuid4().hex, "afterSeq": 0}, timeout=10)
    assert ack["ok"] is False
    bad = other.sio.call("join_run", {"afterSeq": 0}, timeout=10)
    assert bad["ok"] is False and "runId" in bad["error"]
    owner.emit("cancel_run", {"runId": "short"})
    owner.wait_run("short")


def run_status(data: Path, run_id: str, want: str, timeout: float = 10) -> str:
    store = store_of(data)
    try:
        deadline = time.monotonic() + timeout
        while True:
            run = store.get_run(run_id)
            status = run.status if run else "missing"
            if status == want or time.monotonic() > deadline:
                return status
            time.sleep(0.1)
    finally:
        store.close()


def test_an_orphan_is_cancelled_after_the_grace_and_kept_when_someone_joins(
        client_factory: Callable[..., FlowClient], start_server: Callable[..., ServerProcess],
        tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    server = start_server(USE_MOCK="true", RUN_ORPHAN_GRACE_S="1", DATA_DIR=str(data))
    long_flow = json.dumps([node("s#llm-prompt", "llm-prompt", prompt="x", sleepDuration=4)])
    leaver = client_factory(server.url)
    orphan, kept = uuid.uuid4().hex, uuid.uuid4().hex
    for run_id in (orphan, kept):
        leaver.emit("process_file", {"jsonFile": long_flow, "runId": run_id})
    leaver.wait_for(lambda n, d: n == "current_node_running" and d["runId"] == kept)
    leaver.close()
    rejoin = client_factory(server.url)
    assert rejoin.sio.call("join_run", {"runId": kept, "afterSeq": 0}, timeout=10)["ok"] is True
    assert run_status(data, orphan, "cancelled", timeout=3) == "cancelled"  # 1 s of grace, nobody came
    events = rejoin.wait_run(kept, timeout=10)
    assert events[-1][1]["status"] == "completed"


def test_a_restart_keeps_finished_runs_and_marks_running_ones_interrupted(
        client_factory: Callable[..., FlowClient], tmp_path: Path) -> None:
    data = data_dir(tmp_path)
    env = {"USE_MOCK": "true", "MOCK_DELAY_MIN": "0", "MOCK_DELAY_MAX": "0", "DATA_DIR": str(data)}
    server = ServerProcess(env, tmp_path)
    try:
        client = client_factory(server.url)
        done_id, cut_id = uuid.uuid4().hex, uuid.uuid4().hex
        client.run([node("a#input-text", "input-text", inputText="kept")], runId=done_id)
        client.emit("process_file", {"jsonFile": json.dumps([node("s#llm-prompt", "llm-prompt", prompt="x",
                                                                   sleepDuration=30)]), "runId": cut_id})
        client.wait_for(lambda n, d: n == "current_node_running" and d["runId"] == cut_id)
        assert run_status(data, cut_id, "running") == "running"
        os.kill(server.proc.pid, signal.SIGKILL)  # no drain: the run is left "running" in the database
        server.proc.wait(10)
    finally:
        server.stop()
    again = ServerProcess(env, tmp_path)
    try:
        assert run_status(data, cut_id, "interrupted", timeout=1) == "interrupted"
        store = store_of(data)
        finished = store.get_run(done_id)
        store.close()
        assert finished is not None and finished.status == "succeeded"
        assert [(n.node, n.output) for n in finished.nodes] == [("a#input-text", "kept")]
    finally:
        again.stop()


def test_no_key_reaches_the_database_files(
        slow_llm: FakeProviders, start_server: Callable[..., ServerProcess],
        client_factory: Callable[..., FlowClient], tmp_path: Path) -> None:
    script(slow_llm).pace = 0
    data = data_dir(tmp_path)
    server = server_for(start_server, slow_llm, DATA_DIR=str(data))
    client = client_factory(server.url)
    flow = llm_flow()
    flow[1]["openai_api_key"] = KEY  # even a key pasted into a node's field
    events = client.run(flow, parameters={"openai_api_key": KEY})
    assert events[-1][1]["status"] == "completed"
    client.run([node("x#llm-prompt", "llm-prompt", model="gpt-4.1-mini", prompt="Go", af_node_version=2)],
               parameters={"openai_api_key": "bad-" + KEY})  # the fake's 401 quotes the key it was given
    server.stop()  # drained: everything queued is written
    blobs = [path.read_bytes() for path in data.rglob("*") if path.is_file()]
    assert blobs and any(ANSWER.encode()[:40] in blob for blob in blobs)  # the runs are there
    assert not any(KEY.encode() in blob for blob in blobs)
