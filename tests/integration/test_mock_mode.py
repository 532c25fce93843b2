"""USE_MOCK=true: provider nodes answer with fakes (media ones with real files), tool nodes run for real."""

from __future__ import annotations

import requests

from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess


def done_output(events: list, name: str):  # type: ignore[no-untyped-def]
    return next(d["output"] for n, d in events if n == "progress" and d.get("isDone") and d["instanceName"] == name)


def test_mocked_image_and_audio_nodes_return_files_served_back(client: FlowClient, mock_server: ServerProcess) -> None:
    events = client.run([
        node("img#dalle-prompt", "dalle-prompt", prompt="a cat"),
        node("tts#openai-text-to-speech-processor", "openai-text-to-speech-processor", text="hello"),
    ])
    image_urls = done_output(events, "img#dalle-prompt")
    assert isinstance(image_urls, list) and len(image_urls) == 1
    image = requests.get(image_urls[0], timeout=5)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    audio = requests.get(done_output(events, "tts#openai-text-to-speech-processor"), timeout=5)
    assert audio.status_code == 200 and audio.content.startswith(b"RIFF")


def test_mocked_text_node_feeds_a_real_tool_node(client: FlowClient) -> None:
    events = client.run([
        node("llm#llm-prompt", "llm-prompt"),
        node("merge#merger-prompt", "merger-prompt", [("llm#llm-prompt", "input-1", 0)],
             prompt="got: ${input-1}", mergeMode="1"),
    ])
    assert done_output(events, "merge#merger-prompt") == "got: Lorem Ipsum"
    assert events[-1][1]["status"] == "completed"


def test_a_large_flow_is_decoded_and_runs(client: FlowClient) -> None:
    """Flows over 256 KB are decoded off the event loop; the run behaves the same."""
    text = "x" * 400_000
    events = client.run([node("big#input-text", "input-text", inputText=text)])
    assert done_output(events, "big#input-text") == text
