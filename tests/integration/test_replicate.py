"""Replicate nodes through the real server over Socket.IO, against the fake Replicate API."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from typing import Any, Callable

import pytest
import requests

from app.testing.fakes.provider_server import FakeProviders
from app.testing.fakes.replicate_api import SVD_VERSION, file_bytes
from app.testing.flow_client import FlowClient, first_error, node, run_end_of
from app.testing.server_process import ServerProcess

TIMEOUT_S = 3


@pytest.fixture(scope="module")
def server(fake: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {**fake.base_urls(), "ALLOW_PRIVATE_URLS": "true", "REPLICATE_POLL_INTERVAL": "0.05",
           "REPLICATE_TIMEOUT_S": str(TIMEOUT_S), "PROVIDER_MAX_RETRIES": "2", "PROVIDER_TIMEOUT_S": "5"}
    process = ServerProcess(env, tmp_path_factory.mktemp("replicate-server"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def flow_client(server: ServerProcess) -> Iterator[FlowClient]:
    client = FlowClient(server.url)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def clean_fake(fake: FakeProviders) -> None:
    fake.reset()
    fake.replicate_polls_to_finish = 2


@pytest.fixture
def key() -> str:
    """A fresh key per test: schema caches are keyed by key, so each test sees its own lookups."""
    return f"r8_{uuid.uuid4().hex[:12]}"


def replicate_node(name: str, model: str, inputs: list[tuple[str, str, int | None]] = (), **values: Any
                   ) -> dict[str, Any]:
    """A Replicate node as the editor saves it (UI state included, which must not reach Replicate)."""
    fields = [{"name": field, "type": "input", "hasHandle": True} for field in values]
    return node(name, "replicate", inputs, model=model, nodeLoaded=True, outputData=None, x=10, y=20,
                appearance={"fontSize": 1.2}, missingFields=[],
                config={"nodeName": "Image Maker", "fields": fields, "inputNames": list(values),
                        "showHandlesNames": True}, **values)


def run(client: FlowClient, flow: list[dict[str, Any]], key: str | None, timeout: float = 20
        ) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    events = client.run(flow, parameters={"replicate_api_key": key} if key else {}, timeout=timeout)
    return run_end_of(events), events


def created(fake: FakeProviders) -> list[Any]:
    return [r for r in fake.requests if r.method == "POST" and r.path == "/replicate/v1/predictions"]


def wait_until(predicate: Callable[[], Any], timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_success_sends_only_schema_inputs_coerced_and_keeps_files(
        flow_client: FlowClient, fake: FakeProviders, server: ServerProcess, key: str) -> None:
    flow = [
        node("prompt", "input-text", inputText="a red fox"),
        node("seed", "input-text", inputText="42"),
        replicate_node("maker", "acme/image-maker:pinned111", [("prompt", "prompt", 0), ("seed", "seed", 0)],
                       num_outputs="2", guidance="4.5", go_fast=False, aspect_ratio="16:9", old_only="kept",
                       image=""),
    ]
    end, events = run(flow_client, flow, key)
    assert end["status"] == "completed", events
    output = end["output"]["maker"]
    assert isinstance(output, list) and len(output) == 2

    [create] = created(fake)
    assert create.headers["Authorization"] == f"Bearer {key}"
    body = create.json()
    assert body["version"] == "pinned111"
    # Only the pinned schema's Input properties, converted to the schema's types (seed is an integer in the
    # pinned version and a string in the latest one); no UI state, no forced disable_safety_checker.
    assert body["input"] == {"prompt": "a red fox", "num_outputs": 2, "guidance": 4.5, "seed": 42,
                             "go_fast": False, "aspect_ratio": "16:9", "old_only": "kept"}
    # The pinned version's schema was read, not the model's latest version.
    assert fake.requests_to("/models/acme/image-maker/versions/pinned111")
    assert not [r for r in fake.requests if r.path == "/replicate/v1/models/acme/image-maker"]

    prediction_id = next(iter(p for p in fake.replicate_predictions.values() if p["input"] == body["input"]))["id"]
    for index, url in enumerate(output):
        assert url.startswith(server.url + "/image/") and url.endswith(".png"), url
        served = requests.get(url, timeout=5)
        assert served.status_code == 200
        assert served.content == file_bytes(prediction_id, index, "png")
        assert served.headers["Content-Type"] == "image/png"
    done = [d for n, d in events if n == "progress" and d.get("isDone")]
    assert [d["instanceName"] for d in done][-1] == "maker" and len(done) == 3


def test_concatenated_text_output(flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    flow = [replicate_node("writer", "acme/text-gen:text333", prompt="Say hello", max_tokens="100")]
    end, events = run(flow_client, flow, key)
    assert end["status"] == "completed", events
    assert end["output"]["writer"] == "Hello, world!"
    assert created(fake)[0].json()["input"] == {"prompt": "Say hello", "max_tokens": 100}


def test_unpinned_model_runs_at_its_current_version_through_the_model_endpoint(
        flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    end, events = run(flow_client, [replicate_node("writer", "acme/text-gen", prompt="hi", max_tokens=5)], key)
    assert end["status"] == "completed", events
    assert end["output"]["writer"] == "Hello, world!"
    [create] = [r for r in fake.requests if r.method == "POST" and "/predictions" in r.path]
    assert create.path == "/replicate/v1/models/acme/text-gen/predictions"
    assert create.json() == {"input": {"prompt": "hi", "max_tokens": 5}}


@pytest.mark.parametrize("values, expected", [
    ({"prompt": "x", "num_outputs": "7"}, "'num_outputs' must be one of: 1, 2, 3, 4"),
    ({"prompt": "x", "guidance": "11"}, "'guidance' must be between 0 and 10"),
    ({"prompt": "x", "seed": "twelve"}, "'seed' expects a whole number"),
    ({"prompt": "x", "go_fast": "maybe"}, "'go_fast' expects true or false"),
    ({"guidance": "2"}, "'prompt' is required"),
])
def test_invalid_input_is_a_node_error_before_any_prediction(
        flow_client: FlowClient, fake: FakeProviders, key: str, values: dict[str, str], expected: str) -> None:
    end, events = run(flow_client, [replicate_node("maker", "acme/image-maker:pinned111", **values)], key)
    assert end["status"] == "failed"
    assert expected in first_error(events)
    assert not created(fake)


def test_required_field_marked_by_the_editor_is_checked_before_the_run(flow_client: FlowClient, key: str) -> None:
    flow = [replicate_node("maker", "acme/image-maker:pinned111", prompt="")]
    flow[0]["config"]["fields"][0]["required"] = True
    events = flow_client.run(flow, parameters={"replicate_api_key": key})
    assert "missing required field 'prompt'" in first_error(events)


def test_model_without_a_choice_is_a_clear_error(flow_client: FlowClient, key: str) -> None:
    flow = [node("maker", "replicate", prompt="x")]
    end, events = run(flow_client, flow, key)
    assert "choose a model" in first_error(events)


def test_failed_prediction_names_status_error_and_examples(flow_client: FlowClient, key: str) -> None:
    end, events = run(flow_client, [replicate_node("broken", "acme/broken:broken444", prompt="x")], key)
    assert end["status"] == "failed"
    message = first_error(events)
    assert "ended with status: failed" in message
    assert "CUDA out of memory" in message
    assert "https://replicate.com/acme/broken/examples" in message
    assert "Traceback" not in message


def test_rejected_key_is_reported_without_the_key(flow_client: FlowClient, fake: FakeProviders) -> None:
    end, events = run(flow_client, [replicate_node("maker", "acme/text-gen:text333", prompt="x")], "bad-key-123")
    message = first_error(events)
    assert "Replicate rejected the API key" in message
    assert "bad-key-123" not in str(events)
    assert not created(fake)


def test_rate_limited_create_is_retried(flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    fake.fail_next("/replicate/v1/predictions", 429,
                   {"title": "Too Many Requests", "detail": "Request was throttled.", "status": 429})
    end, events = run(flow_client, [replicate_node("writer", "acme/text-gen:text333", prompt="x")], key)
    assert end["status"] == "completed", events
    assert end["output"]["writer"] == "Hello, world!"
    assert len(created(fake)) == 2


def test_server_error_on_create_is_a_plain_error(flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    fake.fail_next("/replicate/v1/predictions", 500, {"title": "Internal Server Error", "status": 500})
    end, events = run(flow_client, [replicate_node("writer", "acme/text-gen:text333", prompt="x")], key)
    assert end["status"] == "failed"
    assert "Replicate had a server error (500)" in first_error(events)
    assert len(created(fake)) == 1


def test_input_rejected_by_replicate_names_the_model_and_examples(
        flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    fake.fail_next("/replicate/v1/predictions", 422,
                   {"title": "Input validation failed", "detail": "input.prompt: String too long", "status": 422})
    end, events = run(flow_client, [replicate_node("writer", "acme/text-gen:text333", prompt="x")], key)
    message = first_error(events)
    assert "Replicate rejected the input for 'acme/text-gen'" in message
    assert "https://replicate.com/acme/text-gen/examples" in message
    assert "input.prompt: String too long" in message


def test_prediction_timeout_cancels_it(flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    started = time.monotonic()
    end, events = run(flow_client, [replicate_node("slow", "acme/slow:slow555", prompt="x")], key)
    assert end["status"] == "failed"
    assert f"did not finish within {TIMEOUT_S} s" in first_error(events)
    assert TIMEOUT_S - 0.5 <= time.monotonic() - started < TIMEOUT_S + 5
    cancels = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/cancel")]
    assert len(cancels) == 1
    prediction_id = cancels[0].path.split("/")[-2]
    assert fake.replicate_predictions[prediction_id]["status"] == "canceled"


def test_cancel_run_cancels_the_prediction(flow_client: FlowClient, fake: FakeProviders, key: str) -> None:
    run_id = uuid.uuid4().hex
    start = len(flow_client.events)
    flow = [replicate_node("slow", "acme/slow:slow555", prompt="x")]
    flow_client.emit("process_file", {"jsonFile": __import__("json").dumps(flow),
                                      "parameters": {"replicate_api_key": key}, "runId": run_id})
    wait_until(lambda: [r for r in fake.requests if r.method == "GET" and "/predictions/" in r.path])
    flow_client.emit("cancel_run", {"runId": run_id})
    events = flow_client.wait_run(run_id, timeout=10, start=start)
    end = next(d for n, d in events if n == "run_end")
    assert end["cancelled"] is True
    assert not [d for n, d in events if n == "error"]
    cancels = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/cancel")]
    assert len(cancels) == 1
    assert cancels[0].headers["Authorization"] == f"Bearer {key}"
    prediction_id = cancels[0].path.split("/")[-2]
    assert fake.replicate_predictions[prediction_id]["status"] == "canceled"
    polls = len([r for r in fake.requests if r.method == "GET" and prediction_id in r.path])
    time.sleep(0.3)  # no polling after the cancel
    assert len([r for r in fake.requests if r.method == "GET" and prediction_id in r.path]) == polls


def test_missing_key_is_a_first_error(flow_client: FlowClient, fake: FakeProviders) -> None:
    end, events = run(flow_client, [replicate_node("maker", "acme/text-gen:text333", prompt="x")], None)
    assert "No Replicate API key" in first_error(events)
    assert "replicate_api_key" in first_error(events)
    assert not fake.requests


def test_our_own_files_are_sent_inline(flow_client: FlowClient, fake: FakeProviders, server: ServerProcess,
                                       key: str) -> None:
    """Replicate cannot reach this server's local storage: a stored file goes as a data URI."""
    flow = [
        replicate_node("first", "acme/image-maker:pinned111", prompt="a fox"),
        replicate_node("second", "acme/image-maker:pinned111", [("first", "image", 0)], prompt="same fox"),
    ]
    end, events = run(flow_client, flow, key)
    assert end["status"] == "completed", events
    first_url = end["output"]["first"][0]
    second_input = created(fake)[1].json()["input"]
    prefix = "data:image/png;base64,"
    assert second_input["image"].startswith(prefix)
    assert base64.b64decode(second_input["image"][len(prefix):]) == requests.get(first_url, timeout=5).content


def test_stable_video_diffusion(flow_client: FlowClient, fake: FakeProviders, server: ServerProcess,
                                key: str) -> None:
    image_url = f"{fake.url}/replicate/files/source/out-0.png"
    flow = [node("image", "input-text", inputText=image_url),
            node("video", "stable-video-diffusion-replicate", [("image", None, 0)],
                 length="25_frames_with_svd_xt", frames_per_second="8")]
    end, events = run(flow_client, flow, key)
    assert end["status"] == "completed", events
    body = created(fake)[0].json()
    assert body["version"] == SVD_VERSION
    assert body["input"] == {"cond_aug": 0.02, "decoding_t": 7, "input_image": image_url,
                             "video_length": "25_frames_with_svd_xt", "sizing_strategy": "maintain_aspect_ratio",
                             "motion_bucket_id": 127, "frames_per_second": 8}
    url = end["output"]["video"]
    assert isinstance(url, str) and url.startswith(server.url + "/image/") and url.endswith(".mp4")
    prediction_id = next(p["id"] for p in fake.replicate_predictions.values() if p["version"] == SVD_VERSION
                         and p["input"] == body["input"])
    assert requests.get(url, timeout=5).content == file_bytes(prediction_id, 0, "mp4")


@pytest.mark.parametrize("flow, expected", [
    ([node("video", "stable-video-diffusion-replicate")], "No image provided"),
    ([node("image", "input-text", inputText="not a url"),
      node("video", "stable-video-diffusion-replicate", [("image", None, 0)])], "Invalid URL provided"),
])
def test_stable_video_diffusion_without_a_usable_image_fails(
        flow_client: FlowClient, fake: FakeProviders, key: str, flow: list[dict[str, Any]], expected: str) -> None:
    end, events = run(flow_client, flow, key)
    assert end["status"] == "failed"
    assert expected in first_error(events)
    assert [d["instanceName"] for n, d in events if n == "error"] == ["video"]
    assert not created(fake)


def test_mock_mode_still_runs_replicate_nodes(client: FlowClient) -> None:
    flow = [node("maker", "replicate", model="acme/image-maker:pinned111", prompt="x"),
            node("video", "stable-video-diffusion-replicate")]
    events = client.run(flow, parameters={})
    end = next(d for n, d in events if n == "run_end")
    assert end["status"] == "completed", events
    assert end["output"]["maker"] == "Lorem Ipsum"
    video = end["output"]["video"]  # a video node gets a real, playable sample file from our storage
    assert video.endswith(".webm") and video.startswith("http://127.0.0.1:")
    assert requests.get(video, timeout=10).content[:4] == b"\x1a\x45\xdf\xa3"
