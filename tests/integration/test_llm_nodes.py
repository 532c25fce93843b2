"""Text-model nodes through the real server over Socket.IO, against the local fake provider server."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from app.testing.fakes.openai_api import script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess
from tests.llm_fixtures import llm_fake, llm_fake_session, llm_server  # noqa: F401

KEY = "sk-test-key-123"
LONG_ANSWER = " ".join(f"word{i}" for i in range(60))


@dataclass
class Kind:
    type: str
    values: dict[str, Any]
    key: str
    provider: str
    path: str
    streams: bool = True
    extra_nodes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"n1#{self.type}"

    def flow(self, **values: Any) -> list[dict[str, Any]]:
        inputs = [("src#input-text", None, 0)] if self.extra_nodes else []
        return [*self.extra_nodes, node(self.name, self.type, inputs, **{**self.values, **values})]


KINDS = [
    Kind("llm-prompt", {"model": "gpt-4.1-mini", "prompt": "Say hi", "af_node_version": 2},
         "openai_api_key", "OpenAI", "/openai/v1/responses"),
    Kind("openai-reasoning-processor", {"model": "o4-mini", "prompt": "Think", "reasoning_effort": "high"},
         "openai_api_key", "OpenAI", "/openai/v1/responses"),
    Kind("gpt-vision", {"prompt": "Describe", "image_url": "https://example.com/cat.png"},
         "openai_api_key", "OpenAI", "/openai/v1/chat/completions"),
    Kind("deepseek-processor", {"model": "deepseek-chat", "prompt": "Hi"},
         "deepseek_api_key", "DeepSeek", "/deepseek/chat/completions"),
    Kind("openrouter-processor", {"model": "google/gemma-2-9b-it:free", "prompt": "Hi"},
         "openrouter_api_key", "OpenRouter", "/openrouter/api/v1/chat/completions"),
    Kind("claude-anthropic-processor", {"model": "claude-sonnet-4-6", "prompt": "Hi"},
         "anthropic_api_key", "Anthropic", "/anthropic/v1/messages"),
    Kind("ai-data-splitter", {"mode": "ai"}, "openai_api_key", "OpenAI", "/openai/v1/responses", streams=False,
         extra_nodes=[node("src#input-text", "input-text", inputText="apples and pears")]),
]
STREAMING = [k for k in KINDS if k.streams]


def ids(kinds: list[Kind]) -> list[str]:
    return [k.type for k in kinds]


@pytest.fixture
def client(llm_server: ServerProcess, client_factory: Callable[..., FlowClient]) -> FlowClient:  # noqa: F811
    return client_factory(llm_server.url)


def of(events: list[tuple[str, dict[str, Any]]], name: str, event: str | None = None) -> list[dict[str, Any]]:
    return [d for n, d in events if d.get("instanceName") == name and (event is None or n == event)]


def final_output(events: list[tuple[str, dict[str, Any]]], name: str) -> Any:
    done = [d for d in of(events, name, "progress") if d["isDone"]]
    assert done, f"no final progress for {name}: {events}"
    return done[-1].get("output")


def error_of(events: list[tuple[str, dict[str, Any]]], name: str) -> str:
    errors = of(events, name, "error")
    assert errors, f"no error for {name}: {events}"
    return errors[0]["error"]


def expected_answer(kind: Kind, answer: str) -> Any:
    return [p.strip() for p in answer.split(";") if p.strip()] if kind.type == "ai-data-splitter" else answer


# ---- success and streaming ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS, ids=ids(KINDS))
def test_answer_is_streamed_then_complete(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    s = script(llm_fake)
    s.answer = "alpha; beta ;gamma " + LONG_ANSWER[:200] if kind.type == "ai-data-splitter" else LONG_ANSWER
    llm_fake.stream_delay = 0.005
    events = client.run(kind.flow(), parameters={kind.key: KEY})
    assert final_output(events, kind.name) == expected_answer(kind, s.answer)
    assert events[-1][0] == "run_end" and events[-1][1]["status"] == "completed"
    if kind.streams:
        progress = of(events, kind.name, "progress")
        partials = [d for d in progress if not d["isDone"]]
        assert partials, "no streamed partial before the end"
        assert progress.index(partials[0]) < progress.index(next(d for d in progress if d["isDone"]))
        assert all(LONG_ANSWER.startswith(p["output"]) for p in partials)
    request = llm_fake.requests_to(kind.path)[-1]
    body = request.json()
    assert body["model"] == kind.values.get("model", "gpt-4o")
    assert request.headers.get("Authorization") == f"Bearer {KEY}"  # Anthropic's SDK 2.x sends a bearer too


def test_delta_stream_format_rebuilds_the_answer(client: FlowClient, llm_fake: FakeProviders) -> None:
    kind = KINDS[0]
    script(llm_fake).answer = LONG_ANSWER
    llm_fake.stream_delay = 0.005
    events = client.run(kind.flow(), parameters={kind.key: KEY}, streamFormat="delta")
    text = ""
    for partial in (d for d in of(events, kind.name, "progress") if not d["isDone"]):
        if "delta" in partial:
            assert partial["offset"] == len(text)
            text += partial["delta"]
        else:
            text = partial["output"]
    assert text and LONG_ANSWER.startswith(text)
    assert final_output(events, kind.name) == LONG_ANSWER


# ---- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS, ids=ids(KINDS))
def test_rejected_key_is_named_without_the_key(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    bad = "bad-key-secret-987"
    events = client.run(kind.flow(), parameters={kind.key: bad})
    message = error_of(events, kind.name)
    assert kind.provider in message and "rejected the API key" in message
    assert bad not in message


@pytest.mark.parametrize("kind", KINDS, ids=ids(KINDS))
def test_bad_request_and_server_error(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    llm_fake.fail_next(kind.path, 400, {"error": {"message": "model not allowed here"}})
    message = error_of(client.run(kind.flow(), parameters={kind.key: KEY}), kind.name)
    assert kind.provider in message and "invalid" in message and "model not allowed here" in message

    llm_fake.fail_next(kind.path, 500, times=2)  # the first try and the one retry
    message = error_of(client.run(kind.flow(), parameters={kind.key: KEY}), kind.name)
    assert kind.provider in message and "server error (500)" in message
    assert "Traceback" not in message


@pytest.mark.parametrize("kind", KINDS, ids=ids(KINDS))
def test_rate_limit_is_retried(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    llm_fake.fail_next(kind.path, 429, {"error": {"message": "slow down"}}, headers={"retry-after-ms": "10"})
    events = client.run(kind.flow(), parameters={kind.key: KEY})
    assert final_output(events, kind.name) == expected_answer(kind, script(llm_fake).answer)
    assert len(llm_fake.requests_to(kind.path)) == 2


def test_timeouts_name_the_provider(client: FlowClient, llm_fake: FakeProviders) -> None:
    flow: list[dict[str, Any]] = []
    for kind in KINDS:
        llm_fake.fail_next(kind.path, 0, delay=3, times=2)
        flow += kind.flow()
    started = time.monotonic()
    events = client.run(flow, parameters={k.key: KEY for k in KINDS}, timeout=30)
    for kind in KINDS:
        message = error_of(events, kind.name)
        assert kind.provider in message and "timed out" in message and "PROVIDER_TIMEOUT_S" in message
    assert time.monotonic() - started < 15


@pytest.mark.parametrize("kind", KINDS, ids=ids(KINDS))
def test_missing_key_is_named(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    message = error_of(client.run(kind.flow(), parameters={}), kind.name)
    assert kind.key in message
    assert not llm_fake.requests_to(kind.path)


# ---- cancel --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", STREAMING, ids=ids(STREAMING))
def test_cancel_closes_the_provider_stream(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    script(llm_fake).answer = LONG_ANSWER
    llm_fake.stream_delay = 0.1  # six seconds for the whole answer
    run_id = f"cancel-{kind.type}"
    start = len(client.events)
    client.emit("process_file", {"jsonFile": __import__("json").dumps(kind.flow()),
                                 "parameters": {kind.key: KEY}, "runId": run_id})
    client.wait_for(lambda n, d: n == "progress" and d.get("runId") == run_id and not d["isDone"], timeout=10)
    client.emit("cancel_run", {"runId": run_id})
    events = client.wait_run(run_id, timeout=10, start=start)
    end = events[-1][1]
    assert events[-1][0] == "run_end" and end["cancelled"] is True and end["status"] == "cancelled"
    assert not [d for d in of(events, kind.name, "progress") if d["isDone"]]
    deadline = time.monotonic() + 5
    while kind.path not in llm_fake.closed_streams and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kind.path in llm_fake.closed_streams, "the provider stream was not closed"


def test_cancel_hook_alone_closes_the_stream(llm_fake: FakeProviders, start_server: Callable[..., ServerProcess],
                                            client_factory: Callable[..., FlowClient]) -> None:
    """In threading mode a node's task cannot be killed: the cancel hook is what stops the spending."""
    server = start_server(ASYNC_MODE="threading", **llm_fake.base_urls())
    client = client_factory(server.url)
    script(llm_fake).answer = LONG_ANSWER
    llm_fake.stream_delay = 0.1
    for kind in (KINDS[0], KINDS[5]):
        run_id = f"threading-cancel-{kind.type}"
        start = len(client.events)
        client.emit("process_file", {"jsonFile": __import__("json").dumps(kind.flow()),
                                     "parameters": {kind.key: KEY}, "runId": run_id})
        client.wait_for(lambda n, d: n == "progress" and d.get("runId") == run_id and not d["isDone"], timeout=10)
        client.emit("cancel_run", {"runId": run_id})
        assert client.wait_run(run_id, timeout=10, start=start)[-1][1]["cancelled"] is True
        deadline = time.monotonic() + 5
        while kind.path not in llm_fake.closed_streams and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kind.path in llm_fake.closed_streams
    assert "Traceback" not in server.log()


# ---- node specifics -----------------------------------------------------------------------------
def test_llm_prompt_sends_context_and_web_search(client: FlowClient, llm_fake: FakeProviders) -> None:
    flow = [node("ctx#input-text", "input-text", inputText="The sky is green here."),
            node("p#llm-prompt", "llm-prompt", [("ctx#input-text", "context", 0)], model="gpt-4o",
                 prompt="What colour is the sky?", af_node_version=2, web_search=True, search_context_size="high")]
    events = client.run(flow, parameters={"openai_api_key": KEY})
    assert final_output(events, "p#llm-prompt") == script(llm_fake).answer
    body = llm_fake.requests_to("/openai/v1/responses")[-1].json()
    assert body["stream"] is True
    assert body["tools"] == [{"type": "web_search_preview", "search_context_size": "high"}]
    system, user = body["input"]
    assert "#Context" in system["content"] and "#Request" in system["content"]
    assert user["content"] == "#Context: The sky is green here. \n\n#Request: What colour is the sky?"


def test_llm_prompt_legacy_version_uses_first_input_as_context(client: FlowClient, llm_fake: FakeProviders) -> None:
    flow = [node("ctx#input-text", "input-text", inputText="legacy context"),
            node("p#llm-prompt", "llm-prompt", [("ctx#input-text", None, 0)], model="gpt-4.1-nano",
                 prompt="legacy prompt")]
    client.run(flow, parameters={"openai_api_key": KEY})
    body = llm_fake.requests_to("/openai/v1/responses")[-1].json()
    assert "tools" not in body
    assert body["input"][1]["content"] == "#Context: legacy context \n\n#Request: legacy prompt"


def test_llm_prompt_without_version_reads_named_inputs(client: FlowClient, llm_fake: FakeProviders) -> None:
    """A node wired by input name (as scripts write them) needs no af_node_version."""
    flow = [node("q#input-text", "input-text", inputText="Tell me a story"),
            node("p#llm-prompt", "llm-prompt", [("q#input-text", "prompt", 0)], model="gpt-4.1-mini")]
    events = client.run(flow, parameters={"openai_api_key": KEY})
    assert events[-1][1]["status"] == "completed", events
    body = llm_fake.requests_to("/openai/v1/responses")[-1].json()
    assert body["input"][-1]["content"] == "Tell me a story"


def test_llm_prompt_refuses_text_beyond_the_model_context(client: FlowClient, llm_fake: FakeProviders) -> None:
    huge = "<html><body>" + "lorem ipsum dolor sit amet " * 8000 + "</body></html>"
    flow = [node("p#llm-prompt", "llm-prompt", model="gpt-4", prompt=huge, af_node_version=2)]
    message = error_of(client.run(flow, parameters={"openai_api_key": KEY}), "p#llm-prompt")
    assert "too long for the model gpt-4" in message and "8,192" in message and "HTML tags" in message
    assert not llm_fake.requests_to("/openai/v1/responses")


def test_reasoning_effort_is_sent(client: FlowClient, llm_fake: FakeProviders) -> None:
    kind = KINDS[1]
    client.run(kind.flow(context="Some context"), parameters={kind.key: KEY})
    body = llm_fake.requests_to(kind.path)[-1].json()
    assert body["reasoning"] == {"effort": "high"}
    assert body["input"] == [{"role": "user", "content": "Some context Think"}]


def test_gpt_vision_sends_every_image(client: FlowClient, llm_fake: FakeProviders) -> None:
    config = {"fields": [{"name": "prompt"}, {"name": "image_url"}, {"name": "image_url_1"}]}
    flow = [node("v#gpt-vision", "gpt-vision", prompt="Compare", image_url="https://example.com/a.png",
                 image_url_1="https://example.com/b.png", config=config)]
    client.run(flow, parameters={"openai_api_key": KEY})
    body = llm_fake.requests_to("/openai/v1/chat/completions")[-1].json()
    content = body["messages"][0]["content"]
    assert [p.get("image_url", {}).get("url") for p in content[:2]] == ["https://example.com/a.png",
                                                                        "https://example.com/b.png"]
    assert content[2] == {"type": "text", "text": "Compare"}

    flow = [node("v#gpt-vision", "gpt-vision", prompt="Compare", image_url="not a url")]
    assert "Invalid image URL" in error_of(client.run(flow, parameters={"openai_api_key": KEY}), "v#gpt-vision")


def test_gpt_vision_sends_our_own_files_inline(llm_server: ServerProcess, client: FlowClient,
                                               llm_fake: FakeProviders) -> None:
    import base64

    import requests

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    link = requests.get(llm_server.url + "/upload", params={"filename": "cat.png"}, timeout=5).json()
    upload = link["upload_data"]
    answer = requests.post(upload["url"], data=upload["fields"], files={"file": ("cat.png", png, "image/png")},
                           timeout=5)
    assert answer.status_code < 300, answer.text
    flow = [node("v#gpt-vision", "gpt-vision", prompt="What is it?", image_url=link["download_link"])]
    assert final_output(client.run(flow, parameters={"openai_api_key": KEY}), "v#gpt-vision")
    part = llm_fake.requests_to("/openai/v1/chat/completions")[-1].json()["messages"][0]["content"][0]
    assert part["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.mark.parametrize("kind", [KINDS[3], KINDS[4]], ids=["deepseek", "openrouter"])
def test_reasoning_is_shown_apart_from_the_answer(kind: Kind, client: FlowClient, llm_fake: FakeProviders) -> None:
    s = script(llm_fake)
    s.reasoning = "First I consider the question carefully. " * 5
    s.answer = "The answer is 42."
    llm_fake.stream_delay = 0.01
    events = client.run(kind.flow(model="deepseek-reasoner" if kind.provider == "DeepSeek" else kind.values["model"]),
                        parameters={kind.key: KEY})
    partials = [d["output"] for d in of(events, kind.name, "progress") if not d["isDone"]]
    assert any(p.startswith("### Reasoning\n\nFirst I consider") for p in partials)
    assert final_output(events, kind.name) == "The answer is 42."


def test_claude_thinking_with_budget(client: FlowClient, llm_fake: FakeProviders) -> None:
    s = script(llm_fake)
    s.reasoning = "Let me think about this step by step. " * 5
    s.answer = "Done thinking."
    llm_fake.stream_delay = 0.01
    kind = KINDS[5]
    events = client.run(kind.flow(thinking=True, budget_tokens=2048, temperature=0.2), parameters={kind.key: KEY})
    body = llm_fake.requests_to(kind.path)[-1].json()
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert "temperature" not in body  # API 2026-10-21 refuses any sampling parameter
    assert body["stream"] is True
    partials = [d["output"] for d in of(events, kind.name, "progress") if not d["isDone"]]
    assert any(p.startswith("### Reasoning\n\nLet me think") for p in partials)
    assert final_output(events, kind.name) == "Done thinking."


def test_claude_models_with_adaptive_thinking_or_no_thinking(client: FlowClient, llm_fake: FakeProviders) -> None:
    kind = KINDS[5]
    client.run(kind.flow(model="claude-opus-5-5", thinking=True, temperature=0.3), parameters={kind.key: KEY})
    body = llm_fake.requests_to(kind.path)[-1].json()
    assert body["thinking"]["type"] == "adaptive" and "temperature" not in body

    client.run(kind.flow(model="claude-3-7-sonnet-latest", temperature=0.3, context="ctx"),
               parameters={kind.key: KEY})
    body = llm_fake.requests_to(kind.path)[-1].json()
    assert "thinking" not in body and "temperature" not in body
    assert body["messages"] == [{"role": "user", "content": "Context: ctx \n Prompt: Hi"}]


def test_openrouter_vision_model_gets_the_image(client: FlowClient, llm_fake: FakeProviders) -> None:
    kind = KINDS[4]
    client.run(kind.flow(model="qwen/qvq-72b-preview", image_url="https://example.com/i.png", context="ctx"),
               parameters={kind.key: KEY})
    content = llm_fake.requests_to(kind.path)[-1].json()["messages"][0]["content"]
    assert content[0] == {"type": "image_url", "image_url": {"url": "https://example.com/i.png"}}
    assert content[1] == {"type": "text", "text": "ctx Hi"}


def test_splitter_ai_mode_trims_and_reads_nb_output(client: FlowClient, llm_fake: FakeProviders) -> None:
    script(llm_fake).answer = " red ;green;; blue "
    kind = KINDS[6]
    events = client.run(kind.flow(nbOutput=3), parameters={kind.key: KEY})
    assert final_output(events, kind.name) == ["red", "green", "blue"]
    body = llm_fake.requests_to(kind.path)[-1].json()
    assert "stream" not in body or body["stream"] is False
    assert "The estimated number of outputs for the next message is 3." in body["input"][0]["content"]
    assert body["input"][1]["content"] == "apples and pears"


def test_splitter_manual_mode_runs_without_provider(client: FlowClient, llm_fake: FakeProviders) -> None:
    flow = [node("src#input-text", "input-text", inputText=" one \n\ntwo\n three "),
            node("s#ai-data-splitter", "ai-data-splitter", [("src#input-text", None, 0)], mode="manual",
                 separator="\\n"),
            node("d#display", "display", [("s#ai-data-splitter", None, 1)])]
    events = client.run(flow, parameters={})
    assert final_output(events, "s#ai-data-splitter") == ["one", "two", "three"]
    assert final_output(events, "d#display") == "two"

    missing = [node("s#ai-data-splitter", "ai-data-splitter", mode="manual", separator=";")]
    assert "Nothing to split" in error_of(client.run(missing, parameters={}), "s#ai-data-splitter")
    assert not llm_fake.requests


def test_openrouter_models_are_refreshed_in_the_background(llm_server: ServerProcess,
                                                           llm_fake: FakeProviders) -> None:
    import requests

    def model_ids() -> list[str]:
        started = time.monotonic()
        extensions = requests.get(llm_server.url + "/node/extensions", timeout=5).json()["extensions"]
        assert time.monotonic() - started < 2
        config = next(c for c in extensions if c["processorType"] == "openrouter-processor")
        return [o["value"] for o in config["fields"][0]["options"]]

    deadline = time.monotonic() + 10
    ids_now = model_ids()
    while "fake/live-model" not in ids_now and time.monotonic() < deadline:
        time.sleep(0.1)
        ids_now = model_ids()
    assert "fake/live-model" in ids_now


# ---- mock mode -----------------------------------------------------------------------------------
def test_mock_mode_fakes_these_nodes(mock_server: ServerProcess, client_factory: Callable[..., FlowClient]) -> None:
    client = client_factory(mock_server.url)
    flow: list[dict[str, Any]] = [node("src#input-text", "input-text", inputText="a;b;c")]
    for kind in KINDS:
        flow.append(node(kind.name, kind.type, [("src#input-text", None, 0)] if kind.extra_nodes else [],
                         **kind.values))
    flow.append(node("m#ai-data-splitter", "ai-data-splitter", [("src#input-text", None, 0)], mode="manual",
                     separator=";"))
    events = client.run(flow, parameters={})
    for kind in KINDS:
        expected = ["Lorem Ipsum", "Lorem Ipsum"] if kind.type == "ai-data-splitter" else "Lorem Ipsum"
        assert final_output(events, kind.name) == expected
    assert final_output(events, "m#ai-data-splitter") == ["a", "b", "c"]
    assert events[-1][1]["status"] == "completed"
