"""The output cache through the real server and the fake provider: hits make no provider call, survive a
restart, miss on any change, skip failed and cancelled nodes, evict by size, and miss when a file is gone."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest

from app.testing.fakes.openai_api import script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess
from tests.llm_fixtures import LLM_SERVER_ENV, llm_fake, llm_fake_session  # noqa: F401

KEY = "sk-cache-test-key"
PATH = "/openai/v1/responses"


def flow(first_prompt: str = "Summarise", second_prompt: str = "Translate") -> list[dict[str, Any]]:
    return [node("in#input-text", "input-text", inputText="Some text"),
            node("a#llm-prompt", "llm-prompt", [("in#input-text", None, 0)], model="gpt-4.1-mini",
                 prompt=first_prompt, af_node_version=2),
            node("b#llm-prompt", "llm-prompt", [("a#llm-prompt", None, 0)], model="gpt-4.1-mini",
                 prompt=second_prompt, af_node_version=2)]


def cached_nodes(events: list[tuple[str, dict[str, Any]]]) -> set[str]:
    return {d["instanceName"] for n, d in events if n == "progress" and d.get("isDone") and d.get("cached")}


def run(client: FlowClient, nodes: list[dict[str, Any]], use_cache: bool = True,
        key: str = KEY) -> list[tuple[str, dict[str, Any]]]:
    events = client.run(nodes, parameters={"openai_api_key": key}, useCache=use_cache)
    time.sleep(0.3)  # outputs are kept in the background, after run_end
    return events


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def server(fake: FakeProviders, tmp_path: Path, data: Path, **env: str) -> ServerProcess:
    return ServerProcess({**fake.base_urls(), **LLM_SERVER_ENV, "DATA_DIR": str(data), **env}, tmp_path)


def test_a_second_run_calls_no_provider_and_survives_a_restart(
        llm_fake: FakeProviders, tmp_path: Path, data: Path,  # noqa: F811
        client_factory: Callable[..., FlowClient]) -> None:
    first = server(llm_fake, tmp_path, data)
    try:
        client = client_factory(first.url)
        events = run(client, flow())
        assert events[-1][1]["status"] == "completed" and cached_nodes(events) == set()
        assert len(llm_fake.requests_to(PATH)) == 2
        again = run(client, flow())
        assert len(llm_fake.requests_to(PATH)) == 2, "a cached node called the provider"
        assert cached_nodes(again) == {"a#llm-prompt", "b#llm-prompt"}
        done = {d["instanceName"]: d for n, d in again if n == "progress" and d.get("isDone")}
        assert done["b#llm-prompt"]["output"] == done["a#llm-prompt"]["output"] != ""
        assert done["a#llm-prompt"]["cachedAt"].startswith("20")
        assert again[-1][1]["output"]["b#llm-prompt"] == events[-1][1]["output"]["b#llm-prompt"]
        changed = run(client, flow(second_prompt="Translate to French"))  # the leaf changed: one call
        assert len(llm_fake.requests_to(PATH)) == 3 and cached_nodes(changed) == {"a#llm-prompt"}
        run(client, flow(), use_cache=False)  # the reference contract's default: no cache
        assert len(llm_fake.requests_to(PATH)) == 5
    finally:
        first.stop()
    second = server(llm_fake, tmp_path, data)
    try:
        after_restart = run(client_factory(second.url), flow())
        assert cached_nodes(after_restart) == {"a#llm-prompt", "b#llm-prompt"}
        assert len(llm_fake.requests_to(PATH)) == 5
    finally:
        second.stop()


def test_failed_and_cancelled_nodes_are_not_cached(
        llm_fake: FakeProviders, tmp_path: Path, data: Path,  # noqa: F811
        client_factory: Callable[..., FlowClient]) -> None:
    srv = server(llm_fake, tmp_path, data)
    try:
        client = client_factory(srv.url)
        for _ in range(2):
            failed = run(client, flow()[:2], key="bad-key")  # 401 from the fake
            assert failed[-1][1]["status"] == "failed"
        assert len(llm_fake.requests_to(PATH)) == 2
        s = script(llm_fake)
        s.pace_by_key = {}
        s.answer = " ".join(f"w{i}" for i in range(60))
        s.pace = 0.05  # b streams for about 3 s: cancelled half-way
        run_id = uuid.uuid4().hex
        client.emit("process_file", {"jsonFile": json.dumps(flow("Slow first", "Slow second")), "runId": run_id,
                                     "parameters": {"openai_api_key": KEY}, "useCache": True})
        client.wait_for(lambda n, d: n == "current_node_running" and d.get("instanceName") == "b#llm-prompt"
                        and d.get("runId") == run_id, timeout=20)
        client.emit("cancel_run", {"runId": run_id})
        assert client.wait_run(run_id)[-1][1]["status"] == "cancelled"
        time.sleep(0.3)
        s.pace = 0
        calls = len(llm_fake.requests_to(PATH))
        rerun = run(client, flow("Slow first", "Slow second"))
        assert cached_nodes(rerun) == {"a#llm-prompt"}  # a had finished; b had not
        assert len(llm_fake.requests_to(PATH)) == calls + 1
    finally:
        srv.stop()


def test_the_cache_evicts_least_recently_used_entries_by_size(
        llm_fake: FakeProviders, tmp_path: Path, data: Path,  # noqa: F811
        client_factory: Callable[..., FlowClient]) -> None:
    script(llm_fake).answer = "x" * 100
    srv = server(llm_fake, tmp_path, data, CACHE_MAX_MB="0.002")  # about 2 KB: some 15 answers
    try:
        client = client_factory(srv.url)
        for index in range(30):
            run(client, flow(f"prompt {index}")[:2])
        calls = len(llm_fake.requests_to(PATH))
        assert cached_nodes(run(client, flow("prompt 29")[:2])) == {"a#llm-prompt"}  # recent: kept
        assert cached_nodes(run(client, flow("prompt 0")[:2])) == set()  # oldest: evicted
        assert len(llm_fake.requests_to(PATH)) == calls + 1
    finally:
        srv.stop()


def test_an_entry_whose_file_is_gone_is_a_miss(tmp_path: Path, data: Path,
                                               client_factory: Callable[..., FlowClient]) -> None:
    srv = ServerProcess({"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.2", "MOCK_DELAY_MAX": "0.2",
                         "DATA_DIR": str(data)}, tmp_path)
    try:
        client = client_factory(srv.url)
        image = [node("img#dalle-prompt", "dalle-prompt", prompt="a red fox")]
        first = client.run(image, useCache=True)
        [url] = first[-1][1]["output"]["img#dalle-prompt"]
        assert "/image/" in url
        time.sleep(0.3)
        assert cached_nodes(client.run(image, useCache=True)) == {"img#dalle-prompt"}
        shutil.rmtree(tmp_path / "storage")  # retention (or a person) removed the stored files
        (tmp_path / "storage").mkdir()
        missed = client.run(image, useCache=True)
        assert cached_nodes(missed) == set() and "/image/" in missed[-1][1]["output"]["img#dalle-prompt"][0]
    finally:
        srv.stop()
