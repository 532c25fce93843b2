"""The provider path under real use: reused connections, responsive streams, warm start, clear errors, fair slots.

Real server subprocesses against the fake provider server (app/testing/fakes), over real sockets.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from app.testing.fakes import openai_api
from tests.llm_fixtures import llm_fake, llm_fake_session, llm_server  # noqa: F401 (fixtures)
from app.testing.fakes.openai_api import script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess

KEY = "sk-test-key-123"
LLM = "p#llm-prompt"


def llm_flow(count: int = 1, prompt: str = "Say hi") -> list[dict[str, Any]]:
    return [node(f"p{i}#llm-prompt" if count > 1 else LLM, "llm-prompt", model="gpt-4.1-mini", prompt=prompt,
                 af_node_version=2) for i in range(count)]


def partials(events: list[tuple[str, dict[str, Any]]], name: str = LLM) -> list[dict[str, Any]]:
    return [d for n, d in events if n == "progress" and d.get("instanceName") == name and not d["isDone"]
            and not d.get("queued")]


def error_text(events: list[tuple[str, dict[str, Any]]]) -> str:
    errors = [d["error"] for n, d in events if n == "error"]
    assert errors, f"expected an error, got {events}"
    return errors[0]


def socket_fds(pid: int) -> int:
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


def start(start_server: Callable[..., ServerProcess], fake: FakeProviders, **env: str) -> ServerProcess:
    return start_server(**fake.base_urls(), PROVIDER_MAX_RETRIES="0", PROVIDER_TIMEOUT_S="5", **env)


# ---- 1. client reuse ---------------------------------------------------------------------------
@pytest.fixture
def keep_alive_fake() -> Iterator[FakeProviders]:
    """A fake that keeps connections open between answers (as the real APIs do)."""
    fake = FakeProviders()
    openai_api.install(fake)
    fake.start(keep_alive=True)
    fake.whole_streams = True
    yield fake
    fake.stop()


@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_runs_reuse_one_connection_and_idle_sockets_are_closed(
        mode: str, keep_alive_fake: FakeProviders, start_server: Callable[..., ServerProcess],
        client_factory: Callable[..., FlowClient]) -> None:
    llm_fake = keep_alive_fake
    server = start(start_server, llm_fake, PROVIDER_KEEPALIVE_S="1", ASYNC_MODE=mode)
    client = client_factory(server.url)
    client.run([node("t#input-text", "input-text", inputText="warm")])
    baseline = socket_fds(server.proc.pid)
    for _ in range(15):
        events = client.run(llm_flow(), parameters={"openai_api_key": KEY})
        assert events[-1][1]["status"] == "completed", events
    ports = {r.remote_port for r in llm_fake.requests_to("/openai/v1/responses")}
    assert len(ports) <= 2, f"{len(ports)} connections for 15 sequential calls"
    deadline = time.monotonic() + 6
    while socket_fds(server.proc.pid) > baseline and time.monotonic() < deadline:
        time.sleep(0.2)
    assert socket_fds(server.proc.pid) <= baseline, "idle provider sockets were left open"
    assert "Traceback" not in server.log()


# ---- 2. stream responsiveness --------------------------------------------------------------------
def test_a_fast_large_stream_does_not_freeze_the_server(llm_server: ServerProcess, llm_fake: FakeProviders,
                                                      client_factory: Callable[..., FlowClient]) -> None:
    s = script(llm_fake)
    s.answer = "abcdefghij" * 20_000  # 200 KB
    s.chunk_size = 4
    s.batch = 500
    client = client_factory(llm_server.url)
    run_id = uuid.uuid4().hex
    start_at = len(client.events)
    client.emit("process_file", {"jsonFile": json.dumps(llm_flow()), "parameters": {"openai_api_key": KEY},
                                 "runId": run_id, "streamFormat": "delta"})
    client.wait_for(lambda n, d: n == "progress" and d.get("runId") == run_id and not d["isDone"], timeout=20)
    worst = 0.0
    while not any(n == "run_end" and d.get("runId") == run_id for n, d, _ in client.events[start_at:]):
        began = time.monotonic()
        assert requests.get(llm_server.url + "/healthcheck", timeout=10).status_code == 200
        worst = max(worst, time.monotonic() - began)
        time.sleep(0.02)
    events = client.wait_run(run_id, timeout=60, start=start_at)
    done = [d for n, d in events if n == "progress" and d["isDone"]]
    assert done and done[0]["output"] == s.answer
    text = ""
    for partial in partials(events):
        assert partial["offset"] == len(text)
        text += partial["delta"]
    assert s.answer.startswith(text) and len(partials(events)) > 3
    assert worst < 0.5, f"/healthcheck took {worst:.2f} s during the stream"


# ---- 3. warm start -------------------------------------------------------------------------------
def test_first_stream_after_start_arrives_in_pieces(llm_fake: FakeProviders,
                                                    start_server: Callable[..., ServerProcess],
                                                    client_factory: Callable[..., FlowClient]) -> None:
    s = script(llm_fake)
    s.answer = " ".join(f"word{i}" for i in range(40))
    s.pace = 0.015  # a 0.6 s stream
    server = start(start_server, llm_fake, STREAM_INTERVAL_MS="50", PROVIDER_WARM_UP="true")
    client = client_factory(server.url)
    first = partials(client.run(llm_flow(), parameters={"openai_api_key": KEY}))
    later = partials(client.run(llm_flow(), parameters={"openai_api_key": KEY}))
    assert len(later) >= 4
    assert len(first) >= len(later) // 2, f"first call: {len(first)} partials, later: {len(later)}"


# ---- 4. errors say what happened ----------------------------------------------------------------
def test_garbage_chunks_are_a_malformed_response(llm_server: ServerProcess, llm_fake: FakeProviders,
                                                 client_factory: Callable[..., FlowClient]) -> None:
    script(llm_fake).fault = "garbage"
    message = error_text(client_factory(llm_server.url).run(llm_flow(), parameters={"openai_api_key": KEY}))
    assert "OpenAI" in message and "malformed response" in message
    assert "internal error" not in message


def test_a_connection_cut_mid_stream_says_how_far_it_got(llm_server: ServerProcess, llm_fake: FakeProviders,
                                                         client_factory: Callable[..., FlowClient]) -> None:
    s = script(llm_fake)
    s.fault, s.fault_after = "drop", 7
    message = error_text(client_factory(llm_server.url).run(llm_flow(), parameters={"openai_api_key": KEY}))
    assert "OpenAI" in message and "broke off" in message and "chunks" in message
    assert "could not be reached" not in message


def test_a_timeout_gives_the_total_time_with_retries(llm_server: ServerProcess, llm_fake: FakeProviders,
                                                     client_factory: Callable[..., FlowClient]) -> None:
    llm_fake.fail_next("/openai/v1/responses", 0, delay=3, times=2)  # PROVIDER_TIMEOUT_S=2, one retry
    started = time.monotonic()
    message = error_text(client_factory(llm_server.url).run(llm_flow(), parameters={"openai_api_key": KEY},
                                                            timeout=30))
    elapsed = time.monotonic() - started
    assert "OpenAI timed out" in message and "PROVIDER_TIMEOUT_S" in message and "2 attempts" in message
    spent = float(message.split(" s in all")[0].split()[-1])
    assert 4.0 <= spent <= elapsed + 0.5, message


# ---- 5. fairness ---------------------------------------------------------------------------------
def test_one_users_slow_streams_do_not_hold_another_key(llm_fake: FakeProviders,
                                                        start_server: Callable[..., ServerProcess],
                                                        client_factory: Callable[..., FlowClient]) -> None:
    server = start(start_server, llm_fake, PROVIDER_CONCURRENCY="2")
    s = script(llm_fake)
    s.answer = " ".join(f"word{i}" for i in range(30))
    s.pace_by_key = {"sk-user-a": 0.1}  # user A's streams take 3 s each
    user_a = client_factory(server.url)
    slow_run = uuid.uuid4().hex
    user_a.emit("process_file", {"jsonFile": json.dumps(llm_flow(2)), "parameters": {"openai_api_key": "sk-user-a"},
                                 "runId": slow_run})
    for i in range(2):
        user_a.wait_for(lambda n, d, i=i: n == "progress" and d.get("instanceName") == f"p{i}#llm-prompt",
                        timeout=10)
    user_b = client_factory(server.url)
    started = time.monotonic()
    events = user_b.run(llm_flow(), parameters={"openai_api_key": "sk-user-b"})
    assert events[-1][1]["status"] == "completed" and time.monotonic() - started < 1.5
    assert not [d for n, d in events if d.get("queued")]

    same_key = user_b.run(llm_flow(), parameters={"openai_api_key": "sk-user-a"}, timeout=20)
    queued = [i for i, (n, d) in enumerate(same_key) if n == "progress" and d.get("queued") is True]
    assert queued and same_key[queued[0]][1] == {"instanceName": LLM, "isDone": False, "queued": True,
                                                 "runId": same_key[0][1]["runId"],
                                                 "seq": same_key[queued[0]][1]["seq"]}
    running_again = [i for i, (n, _) in enumerate(same_key) if n == "current_node_running" and i > queued[0]]
    assert running_again, "no current_node_running once the slot was free"
    assert same_key[-1][1]["status"] == "completed"
    user_a.wait_run(slow_run, timeout=20)
