"""Tool nodes through the real server over Socket.IO, fetching from a local HTTP server (and a fake YouTube)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from app.testing.fakes import web_content as fx
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess


@pytest.fixture(scope="module")
def web() -> Iterator[FakeProviders]:
    server = fx.content_server().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_server(web: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess({"ALLOW_PRIVATE_URLS": "true", "FETCH_TIMEOUT_S": "1", "YOUTUBE_BASE_URL": web.url},
                           tmp_path_factory.mktemp("tool-nodes"))
    yield server
    server.stop()


@pytest.fixture
def flow_client(app_server: ServerProcess, client_factory: Callable[..., FlowClient]) -> FlowClient:
    return client_factory(app_server.url)


def outputs_of(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {d["instanceName"]: d.get("output") for n, d in events if n == "progress" and d.get("isDone")}


def errors_of(events: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    return {d["instanceName"]: d["error"] for n, d in events if n == "error" and "instanceName" in d}


def run_end(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return next(d for n, d in events if n == "run_end")


def test_a_flow_of_tool_nodes(web: FakeProviders, flow_client: FlowClient) -> None:
    flow = [
        node("page", "url_input", url=f"{web.url}/page.html", selectors=["article"],
             selectors_to_remove=["meta", "link", "script"], with_html_tags=False, with_html_attributes=False),
        node("api", "http-get-processor", url=f"{web.url}/data.json",
             headers=[{"key": "Accept", "value": "application/json"}]),
        node("pdf", "document-to-text-processor", document_url=f"{web.url}/doc.pdf"),
        node("video", "youtube_transcript_input", url=f"https://youtu.be/{fx.VIDEO_OK}", language="en"),
        node("text", "input-text", inputText="The cat sat"),
        node("swap", "replace-text", [("text", "input_text", 0)], search_text="cat", replacement_text="dog",
             replace_all=True, case_sensitivity=True, use_regex=False),
        node("dice", "generate-number-processor", min=3, max=3),
        node("merge", "merger-prompt", [("swap", "input-1", 0), ("video", "input-2", 0)], mergeMode="1",
             prompt="${input-1} / ${input-2}", config={"inputNames": ["input-1", "input-2"]}),
        node("file", "file", fileUrl=f"{web.url}/doc.pdf"),
    ]
    events = flow_client.run(flow, timeout=30)
    assert errors_of(events) == {}
    out = outputs_of(events)
    assert "# Green threads" in out["page"] and "Footer" not in out["page"]
    assert out["api"] == [fx.JSON_DATA]
    assert out["pdf"].startswith("Hello from the PDF fixture.")
    assert out["video"] == "Hello & welcome to the show"
    assert out["swap"] == ["The dog sat"]
    assert out["dice"] == [3]
    assert out["merge"] == "The dog sat / Hello & welcome to the show"
    assert out["file"] == f"{web.url}/doc.pdf"
    end = run_end(events)
    assert end["status"] == "completed" and end["output"]["api"] == [fx.JSON_DATA]


@pytest.mark.parametrize(("flow_node", "expected"), [
    (lambda u: node("n", "url_input", url=f"{u}/slow"), "timed out after 1 s"),
    (lambda u: node("n", "url_input", url=f"{u}/loop"), "redirected more than 5 times"),
    (lambda u: node("n", "http-get-processor", url=f"{u}/big-stream?mb=3"), "larger than the limit of 2.0 MB"),
    (lambda u: node("n", "http-get-processor", url=f"{u}/redirect"), "redirects are not followed"),
    (lambda u: node("n", "url_input", url=f"{u}/status/404"), "the server answered 404"),
    (lambda u: node("n", "document-to-text-processor", document_url=f"{u}/image.png"), "'image/png'"),
    (lambda u: node("n", "replace-text", input_text="x", search_text="[", replacement_text="y", use_regex=True),
     "Invalid regular expression '['"),
    (lambda u: node("n", "youtube_transcript_input", url=f"https://www.youtube.com/watch?v={fx.VIDEO_UNAVAILABLE}"),
     "Video is unavailable for"),
])
def test_failures_are_clear_node_errors(web: FakeProviders, flow_client: FlowClient,
                                        flow_node: Callable[[str], dict[str, Any]], expected: str) -> None:
    events = flow_client.run([flow_node(web.url)], timeout=20)
    errors = errors_of(events)
    assert list(errors) == ["n"] and expected in errors["n"], events
    assert "Traceback" not in errors["n"]
    assert run_end(events)["status"] == "failed"


def test_missing_required_fields_are_refused_before_running(flow_client: FlowClient) -> None:
    events = flow_client.run([node("f", "file"), node("u", "url_input", url="")])
    message = next(d["error"] for n, d in events if n == "error")
    assert "missing required field 'fileUrl'" in message or "missing required field 'url'" in message


def test_the_catalogue_describes_the_tool_nodes(app_server: ServerProcess) -> None:
    extensions = requests.get(app_server.url + "/node/extensions", timeout=5).json()["extensions"]
    by_type = {c["processorType"]: c for c in extensions}
    assert {"replace-text", "generate-number-processor", "http-get-processor",
            "document-to-text-processor"} <= set(by_type)
    assert by_type["http-get-processor"]["nodeName"] == "HTTP Get"
    assert [f["name"] for f in by_type["replace-text"]["fields"]] == [
        "input_text", "search_text", "replacement_text", "replace_all", "case_sensitivity", "use_regex"]
    configs = {c["processorType"]: c for c in requests.get(app_server.url + "/node/configs", timeout=5).json()["nodes"]}
    assert configs["url_input"]["nodeName"] == "EnterURL"
    assert configs["youtube_transcript_input"]["fields"][1]["defaultValue"] == "en"
    assert configs["merger-prompt"]["inputNames"] == ["input-1", "input-2"]
    assert json.dumps(configs["file"]).count("fileUrl") == 1


@pytest.mark.parametrize("flow_node", [
    lambda u: node("n", "url_input", url=f"{u}/page.html"),
    lambda u: node("n", "http-get-processor", url=f"{u}/data.json"),
    lambda u: node("n", "document-to-text-processor", document_url=f"{u}/notes.txt"),
])
def test_private_addresses_are_refused_without_allow_private_urls(
        web: FakeProviders, mock_server: ServerProcess, client_factory: Callable[..., FlowClient],
        flow_node: Callable[[str], dict[str, Any]]) -> None:
    # The shared mock-mode server runs these tool nodes for real, with ALLOW_PRIVATE_URLS unset.
    client = client_factory(mock_server.url)
    before = len(web.requests)
    events = client.run([flow_node(web.url)])
    error = errors_of(events)["n"]
    assert error.startswith("Refusing to fetch") and "private, loopback or link-local" in error
    assert len(web.requests) == before
