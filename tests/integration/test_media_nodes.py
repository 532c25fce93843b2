"""Image, audio and StabilityAI nodes through the real server over Socket.IO, against the fake providers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from app.testing.fakes.openai_media import fake_mp3, fake_png
from app.testing.fakes.provider_server import FakeProviders, build
from app.testing.fakes.stability_api import fake_image
from app.testing.flow_client import FlowClient, first_error, node, run_end_of
from app.testing.server_process import ServerProcess

KEYS = {"openai_api_key": "sk-openai-secret", "stabilityai_api_key": "sk-stability-secret"}
ASSET = b"\x89PNG\r\n\x1a\nan input image"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeProviders]:
    providers = build()

    @providers.route("GET", "/assets/(?P<name>[a-z0-9_.-]+)")
    def asset(request: Any, match: Any) -> Any:
        from werkzeug.wrappers import Response

        return Response(ASSET + match["name"].encode(), mimetype="image/png")

    providers.start()
    yield providers
    providers.stop()


@pytest.fixture(scope="module")
def server(fake: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # the SDK warm-up on, as in production: the first OpenAI call below meets it still importing
    env = {**fake.base_urls(), "ALLOW_PRIVATE_URLS": "true", "PROVIDER_MAX_RETRIES": "1",
           "PROVIDER_TIMEOUT_S": "1.5", "STABILITYAI_POLL_TIMEOUT_S": "3", "PROVIDER_WARM_UP": "true"}
    process = ServerProcess(env, tmp_path_factory.mktemp("media-server"))
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def clean_fake(fake: FakeProviders) -> None:
    fake.reset()
    fake.openai_image_urls = False
    fake.speech_parallel_max = 0
    fake.stability_pending_polls = 2


@pytest.fixture(scope="module")
def flow_client(server: ServerProcess) -> Iterator[FlowClient]:
    client = FlowClient(server.url)
    yield client
    client.close()


def run(client: FlowClient, flow: list[dict[str, Any]], parameters: dict[str, str] | None = None,
        timeout: float = 20) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    events = client.run(flow, parameters=KEYS if parameters is None else parameters, timeout=timeout)
    return run_end_of(events), events


def stored(server: ServerProcess, url: str) -> requests.Response:
    """Our server serves the node's output file back under /image/<name>."""
    assert url.startswith(server.url + "/image/"), url
    response = requests.get(url, timeout=5)
    assert response.status_code == 200
    return response


def no_secret_in(text: str) -> None:
    for secret in KEYS.values():
        assert secret not in text


# ---- dalle-prompt -------------------------------------------------------------------------------
def test_dalle_stores_the_image_in_our_storage(server: ServerProcess, flow_client: FlowClient,
                                               fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("dalle", "dalle-prompt", prompt="a red fox", size="1792x1024", quality="hd")])
    assert end["status"] == "completed"
    url = end["output"]["dalle"]
    response = stored(server, url)
    assert response.content == fake_png("dall-e-3:a red fox")
    assert response.headers["content-type"] == "image/png"
    body = fake.requests_to("/images/generations")[0].json()
    assert body["model"] == "dall-e-3" and body["size"] == "1792x1024" and body["quality"] == "hd"
    assert body["response_format"] == "b64_json" and body["n"] == 1


def test_dalle_downloads_a_provider_url_instead_of_returning_it(server: ServerProcess, flow_client: FlowClient,
                                                                fake: FakeProviders) -> None:
    fake.openai_image_urls = True
    flow = [node("text", "input-text", inputText="a blue whale"), node("dalle", "dalle-prompt", [("text", None, 0)])]
    end, _ = run(flow_client, flow)
    assert end["status"] == "completed", end
    assert stored(server, end["output"]["dalle"]).content == fake_png("dall-e-3:a blue whale")
    assert len(fake.requests_to("/openai/v1/files/")) == 1


def test_dalle_without_prompt_is_a_clear_error(flow_client: FlowClient) -> None:
    end, events = run(flow_client, [node("dalle", "dalle-prompt", prompt="")])
    assert end["status"] == "failed"
    assert "needs a prompt" in first_error(events)


# ---- gpt-image-processor ------------------------------------------------------------------------
def test_gpt_image_generate(server: ServerProcess, flow_client: FlowClient, fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("img", "gpt-image-processor", method="generate", model="gpt-image-1",
                                    prompt="a lighthouse", size="1536x1024", quality="high",
                                    background="transparent", moderation="auto")])
    assert end["status"] == "completed", end
    assert stored(server, end["output"]["img"]).content == fake_png("gpt-image-1:a lighthouse")
    body = fake.requests_to("/images/generations")[0].json()
    assert {k: body[k] for k in ("size", "quality", "background", "moderation")} == {
        "size": "1536x1024", "quality": "high", "background": "transparent", "moderation": "auto"}


def test_gpt_image_edit_reads_own_files_and_fetched_urls(server: ServerProcess, flow_client: FlowClient,
                                                         fake: FakeProviders) -> None:
    source = node("dalle", "dalle-prompt", prompt="a plain room")
    edit = node("edit", "gpt-image-processor", [("dalle", "image", 0)], method="edit", model="gpt-image-1",
                prompt="add a sofa", image_2=f"{fake.url}/assets/second.png", mask=f"{fake.url}/assets/mask.png",
                config={"fields": [{"name": "image", "type": "fileUpload"}, {"name": "image_2", "type": "fileUpload"}]})
    end, _ = run(flow_client, [source, edit])
    assert end["status"] == "completed", end
    sizes = f"{len(fake_png('dall-e-3:a plain room'))},{len(ASSET) + len('second.png')}"
    assert stored(server, end["output"]["edit"]).content == fake_png(f"edit:gpt-image-1:add a sofa:2 images:{sizes}")
    edit_request = fake.requests_to("/images/edits")[0]
    assert edit_request.files["mask"] == ASSET + b"mask.png"
    # our own stored file was read directly, not downloaded over HTTP
    assert not [r for r in fake.requests if r.path.startswith("/image/")]
    assert len(fake.requests_to("/assets/")) == 2


def test_gpt_image_edit_without_image_is_refused_before_running(flow_client: FlowClient,
                                                                fake: FakeProviders) -> None:
    events = flow_client.run([node("edit", "gpt-image-processor", method="edit", prompt="x")], parameters=KEYS)
    errors = [d["error"] for n, d in events if n == "error"]
    assert errors and "missing required field 'image'" in errors[0]
    assert not fake.requests


# ---- openai-text-to-speech-processor ------------------------------------------------------------
def test_tts_long_text_is_chunked_and_joined_in_order(server: ServerProcess, flow_client: FlowClient,
                                                      fake: FakeProviders) -> None:
    sentences = [f"Sentence number {i} is here." for i in range(400)]
    text = " ".join(sentences)  # about 11 000 characters -> 3 chunks
    fake.stream_delay = 0.2
    end, _ = run(flow_client, [node("tts", "openai-text-to-speech-processor", text=text, model="tts-1",
                                    voice="nova", instruction="whisper")])
    assert end["status"] == "completed", end
    calls = fake.requests_to("/audio/speech")
    assert len(calls) == 3
    assert fake.speech_parallel_max == 2  # two chunks at a time, never three
    inputs = sorted((c.json()["input"] for c in calls), key=text.index)
    assert " ".join(inputs) == text and all(len(i) <= 4096 for i in inputs)
    assert all(c.json()["voice"] == "nova" and "instructions" not in c.json() for c in calls)
    audio = stored(server, end["output"]["tts"])
    assert audio.headers["content-type"] == "audio/mpeg"
    first, *rest = [fake_mp3(i) for i in inputs]
    assert audio.content == first + b"".join(part[16:] for part in rest)
    assert audio.content.count(b"ID3") == 1


def test_cancel_stops_pending_tts_chunks(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.stream_delay = 1.0
    text = " ".join(f"Sentence number {i} is here." for i in range(400))  # 3 chunks
    run_id = uuid.uuid4().hex
    start = len(flow_client.events)
    flow = [node("tts", "openai-text-to-speech-processor", text=text, model="tts-1")]
    flow_client.emit("process_file", {"jsonFile": json.dumps(flow), "parameters": KEYS, "runId": run_id})
    deadline = time.monotonic() + 10
    while len(fake.requests_to("/audio/speech")) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    flow_client.emit("cancel_run", {"runId": run_id})
    events = flow_client.wait_run(run_id, timeout=5, start=start)
    assert next(d for n, d in events if n == "run_end")["cancelled"] is True
    time.sleep(1.5)  # the first two would have finished by now; the third must never start
    assert len(fake.requests_to("/audio/speech")) == 2


def test_tts_sends_instructions_only_to_gpt_4o_mini_tts(flow_client: FlowClient, fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("tts", "openai-text-to-speech-processor", text="Hello.",
                                    model="gpt-4o-mini-tts", voice="alloy", instruction="Speak slowly")])
    assert end["status"] == "completed", end
    assert fake.requests_to("/audio/speech")[0].json()["instructions"] == "Speak slowly"


# ---- stable-diffusion-stabilityai-prompt --------------------------------------------------------
def test_legacy_sd_width_is_first_and_style_preset_is_sent(server: ServerProcess, flow_client: FlowClient,
                                                           fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("sd", "stable-diffusion-stabilityai-prompt", prompt="a castle",
                                    size="1344x768", style_preset="anime")])
    assert end["status"] == "completed", end
    call = fake.requests_to("/text-to-image")[0]
    body = call.json()
    assert (body["width"], body["height"]) == (1344, 768)
    assert body["style_preset"] == "anime" and body["text_prompts"] == [{"text": "a castle"}]
    assert call.headers["Authorization"] == "Bearer " + KEYS["stabilityai_api_key"]
    assert call.path == "/stability/v1/generation/stable-diffusion-xl-1024-v1-0/text-to-image"
    expected = fake_image("stable-diffusion-xl-1024-v1-0|a castle|1344x768")
    assert stored(server, end["output"]["sd"]).content == expected


# ---- stabilityai-stable-diffusion-3-processor ---------------------------------------------------
def test_sd3_multipart_request_and_stored_image(server: ServerProcess, flow_client: FlowClient,
                                                fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("sd3", "stabilityai-stable-diffusion-3-processor", prompt="a bridge",
                                    negative_prompt="fog", model="sd3-large-turbo", aspect_ratio="16:9", seed=7)])
    assert end["status"] == "completed", end
    call = fake.requests_to("/generate/sd3")[0]
    assert call.headers["Accept"] == "image/*"
    assert call.form == {"prompt": "a bridge", "model": "sd3-large-turbo", "aspect_ratio": "16:9", "seed": "7",
                         "output_format": "png"}  # turbo: no negative prompt
    label = "stable-image/generate/sd3|aspect_ratio=16:9,model=sd3-large-turbo,output_format=png,prompt=a bridge,seed=7|"
    assert stored(server, end["output"]["sd3"]).content == fake_image(label)


# ---- stabilityai-generic-processor --------------------------------------------------------------
def test_generic_sync_path_with_integer_fields(server: ServerProcess, flow_client: FlowClient,
                                               fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("out", "stabilityai-generic-processor", path="/v2beta/stable-image/edit/outpaint",
                                    image=f"{fake.url}/assets/photo.png", left=100, right=0.0, creativity=0.5,
                                    output_format="webp")])
    assert end["status"] == "completed", end
    call = fake.requests_to("/edit/outpaint")[0]
    assert call.form == {"left": "100", "right": "0", "creativity": "0.5", "output_format": "webp"}
    assert call.files == {"image": ASSET + b"photo.png"}
    assert call.headers["Accept"] == "image/*"
    url = end["output"]["out"]
    assert url.endswith(".webp")
    label = f"stable-image/edit/outpaint|creativity=0.5,left=100,output_format=webp,right=0|image:{len(call.files['image'])}"
    assert stored(server, url).content == fake_image(label, "image/webp")


def test_generic_3d_path_saves_a_glb(server: ServerProcess, flow_client: FlowClient, fake: FakeProviders) -> None:
    end, _ = run(flow_client, [node("m", "stabilityai-generic-processor", path="/v2beta/3d/stable-fast-3d",
                                    image=f"{fake.url}/assets/chair.png")])
    assert end["status"] == "completed", end
    url = end["output"]["m"]
    assert url.endswith(".glb")
    size = len(ASSET + b"chair.png")
    assert stored(server, url).content == fake_image(f"3d/stable-fast-3d||image:{size}", "model/gltf-binary")


@pytest.mark.parametrize("path, poll_part, extension, media", [
    ("/v2beta/image-to-video", "/v2beta/image-to-video/result/", "mp4", "video/mp4"),
    ("/v2beta/stable-image/edit/replace-background-and-relight", "/v2beta/results/", "png", "image/png"),
])
def test_generic_async_path_polls_until_ready(server: ServerProcess, flow_client: FlowClient, fake: FakeProviders,
                                              path: str, poll_part: str, extension: str, media: str) -> None:
    image_field = "subject_image" if "relight" in path else "image"
    values = {image_field: f"{fake.url}/assets/in.png"}
    if "relight" in path:
        values["background_prompt"] = "sunset"
    end, _ = run(flow_client, [node("job", "stabilityai-generic-processor", path=path, **values)])
    assert end["status"] == "completed", end
    polls = fake.requests_to(poll_part)
    assert len(polls) == 3  # two 202 answers, then the result
    url = end["output"]["job"]
    assert url.endswith("." + extension)
    assert stored(server, url).content.startswith(fake_image("", media)[:8])


def test_generic_polling_gives_up_after_the_overall_timeout(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.stability_pending_polls = 1000
    started = time.monotonic()
    end, events = run(flow_client, [node("job", "stabilityai-generic-processor", path="/v2beta/image-to-video",
                                         image=f"{fake.url}/assets/in.png")])
    assert end["status"] == "failed"
    assert "did not finish the job within 3 s" in first_error(events)
    assert time.monotonic() - started < 8


def test_cancel_during_polling_stops_polling(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.stability_pending_polls = 1000
    run_id = uuid.uuid4().hex
    flow = [node("job", "stabilityai-generic-processor", path="/v2beta/stable-image/upscale/creative",
                 image=f"{fake.url}/assets/in.png", prompt="sharper")]
    start = len(flow_client.events)
    flow_client.emit("process_file", {"jsonFile": json.dumps(flow), "parameters": KEYS, "runId": run_id})
    deadline = time.monotonic() + 10
    while not fake.requests_to("/upscale/creative/result/") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.requests_to("/upscale/creative/result/")
    flow_client.emit("cancel_run", {"runId": run_id})
    events = flow_client.wait_run(run_id, timeout=10, start=start)
    end = next(d for n, d in events if n == "run_end")
    assert end["cancelled"] is True and end["status"] == "cancelled"
    polls = len(fake.requests_to("/upscale/creative/result/"))
    time.sleep(1.5)  # three poll intervals: nothing may poll any more
    assert len(fake.requests_to("/upscale/creative/result/")) == polls


def test_generic_unknown_path_is_a_clear_error(flow_client: FlowClient) -> None:
    end, events = run(flow_client, [node("x", "stabilityai-generic-processor", path="/v1/user/balance")])
    assert end["status"] == "failed"
    assert "Unknown StabilityAI path '/v1/user/balance'" in first_error(events)


# ---- error mapping --------------------------------------------------------------------------------
def test_bad_keys_are_reported_without_the_key(flow_client: FlowClient) -> None:
    bad = {"openai_api_key": "invalid-key", "stabilityai_api_key": "invalid-key"}
    for flow, provider in (([node("d", "dalle-prompt", prompt="x")], "OpenAI"),
                           ([node("s", "stabilityai-stable-diffusion-3-processor", prompt="x")], "StabilityAI")):
        end, events = run(flow_client, flow, bad)
        message = first_error(events)
        assert end["status"] == "failed"
        assert message.startswith(f"{provider} rejected the API key"), message
        assert "invalid-key" not in message and "Traceback" not in message


def test_stability_400_detail_is_shown(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/stability/v2beta/stable-image/generate/core", 400,
                   {"id": "e1", "name": "bad_request", "errors": ["aspect_ratio: must be one of 1:1, 16:9"]})
    end, events = run(flow_client, [node("g", "stabilityai-generic-processor",
                                         path="/v2beta/stable-image/generate/core", prompt="p")])
    message = first_error(events)
    assert "StabilityAI rejected the request as invalid" in message
    assert "aspect_ratio: must be one of 1:1, 16:9" in message
    no_secret_in(message)


def test_openai_400_detail_is_shown(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/openai/v1/audio/speech", 400, {"error": {"message": "Invalid voice 'robot'.",
                                                              "type": "invalid_request_error"}})
    end, events = run(flow_client, [node("t", "openai-text-to-speech-processor", text="Hi.", voice="robot")])
    message = first_error(events)
    assert message.startswith("OpenAI rejected the request as invalid") and "Invalid voice 'robot'." in message
    assert len(fake.requests_to("/audio/speech")) == 1  # 400 is not retried
    no_secret_in(message)


@pytest.mark.parametrize("flow, prefix", [
    ([node("s", "stable-diffusion-stabilityai-prompt", prompt="x")], "/stability/v1/generation"),
    ([node("g", "gpt-image-processor", method="generate", prompt="x")], "/openai/v1/images/generations"),
])
def test_429_then_success(flow_client: FlowClient, fake: FakeProviders, flow: list[dict[str, Any]],
                          prefix: str) -> None:
    fake.fail_next(prefix, 429, {"name": "rate_limited", "errors": ["slow down"]}, headers={"Retry-After": "0"})
    end, _ = run(flow_client, flow)
    assert end["status"] == "completed", end
    assert len(fake.requests_to(prefix)) == 2


def test_stability_500_on_a_generation_post_is_not_retried(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/stability/v2beta", 500, {"name": "internal", "errors": ["boom"]})
    end, events = run(flow_client, [node("s", "stabilityai-stable-diffusion-3-processor", prompt="x")])
    assert "StabilityAI had a server error (500)" in first_error(events)
    assert len(fake.requests_to("/generate/sd3")) == 1  # the job may have been billed: no blind retry


def test_stability_503_then_success_is_retried(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/stability/v2beta", 503, {"name": "unavailable", "errors": ["busy"]})
    end, _ = run(flow_client, [node("s", "stabilityai-stable-diffusion-3-processor", prompt="x")])
    assert end["status"] == "completed", end
    assert len(fake.requests_to("/generate/sd3")) == 2


def test_openai_500_after_retries(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/openai/v1/audio/speech", 500, times=2)
    end, events = run(flow_client, [node("t", "openai-text-to-speech-processor", text="Hi.", model="tts-1")])
    assert "OpenAI had a server error (500)" in first_error(events)
    assert len(fake.requests_to("/audio/speech")) == 2  # PROVIDER_MAX_RETRIES=1


def test_stability_timeout(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/stability/v1/generation", status=0, delay=3)
    started = time.monotonic()
    end, events = run(flow_client, [node("s", "stable-diffusion-stabilityai-prompt", prompt="x")])
    message = first_error(events)
    assert message.startswith("StabilityAI timed out") and "1.5 s" in message
    assert time.monotonic() - started < 3
    assert len(fake.requests_to("/v1/generation")) == 1  # a POST that may have started work is not repeated


def test_openai_timeout(flow_client: FlowClient, fake: FakeProviders) -> None:
    fake.fail_next("/openai/v1/images/generations", status=0, delay=2.5, times=2)
    end, events = run(flow_client, [node("d", "dalle-prompt", prompt="x")])
    assert first_error(events).startswith("OpenAI timed out")


@pytest.mark.parametrize("flow, key", [
    ([node("d", "dalle-prompt", prompt="x")], "openai_api_key"),
    ([node("g", "gpt-image-processor", method="generate", prompt="x")], "openai_api_key"),
    ([node("t", "openai-text-to-speech-processor", text="x")], "openai_api_key"),
    ([node("s", "stable-diffusion-stabilityai-prompt", prompt="x")], "stabilityai_api_key"),
    ([node("s", "stabilityai-stable-diffusion-3-processor", prompt="x")], "stabilityai_api_key"),
    ([node("s", "stabilityai-generic-processor", path="/v2beta/stable-image/generate/core", prompt="x")],
     "stabilityai_api_key"),
])
def test_missing_key_names_the_key(flow_client: FlowClient, fake: FakeProviders, flow: list[dict[str, Any]],
                                   key: str) -> None:
    end, events = run(flow_client, flow, {})
    assert end["status"] == "failed"
    assert f"'{key}'" in first_error(events)
    assert not fake.requests


# ---- node catalogue and dynamic configs ---------------------------------------------------------
def dynamic(server: ServerProcess, processor_type: str, data: dict[str, Any]) -> requests.Response:
    return requests.post(f"{server.url}/node/extensions/dynamic", json={"processorType": processor_type,
                                                                        "data": data}, timeout=5)


def test_extensions_list_the_media_nodes(server: ServerProcess) -> None:
    listed = {c["processorType"]: c for c in requests.get(f"{server.url}/node/extensions", timeout=5).json()["extensions"]}
    for name in ("gpt-image-processor", "openai-text-to-speech-processor", "stabilityai-generic-processor",
                 "stabilityai-stable-diffusion-3-processor"):
        assert name in listed
    assert "dalle-prompt" not in listed
    generic = listed["stabilityai-generic-processor"]
    assert generic["isDynamicallyGenerated"] is True
    paths = [o["value"] for o in generic["fields"][0]["options"]]
    assert paths[0] == "/v2beta/3d/stable-fast-3d" and len(paths) == 19
    assert listed["openai-text-to-speech-processor"]["outputType"] == "audioUrl"
    configs = {c["processorType"]: c for c in requests.get(f"{server.url}/node/configs", timeout=5).json()["nodes"]}
    assert configs["dalle-prompt"]["nodeName"] == "DALL-E 3"
    assert configs["stable-diffusion-stabilityai-prompt"]["inputNames"] == ["prompt"]


def test_dynamic_config_3d_path(server: ServerProcess) -> None:
    config = dynamic(server, "stabilityai-generic-processor", {"path": "/v2beta/3d/stable-fast-3d"}).json()
    assert config["nodeName"] == "StabilityAI - Stable Fast 3d"
    assert config["outputType"] == "3dUrl" and config["processorType"] == "stabilityai-generic-processor"
    fields = {f["name"]: f for f in config["fields"]}
    assert fields["image"]["isBinary"] is True and fields["image"]["required"] is True
    assert fields["image"]["type"] == "fileUpload"
    assert fields["foreground_ratio"]["type"] == "slider" and fields["foreground_ratio"]["max"] == 1
    assert fields["vertex_count"]["type"] == "numericfield" and fields["vertex_count"]["hasHandle"] is True
    assert [o["value"] for o in fields["remesh"]["options"]] == ["none", "triangle", "quad"]


def test_dynamic_config_integer_fields_and_output_types(server: ServerProcess) -> None:
    outpaint = dynamic(server, "stabilityai-generic-processor", {"path": "/v2beta/stable-image/edit/outpaint"}).json()
    left = next(f for f in outpaint["fields"] if f["name"] == "left")
    assert left["type"] == "numericfield" and left["hasHandle"] is True and left["allowDecimal"] is False
    assert (left["min"], left["max"], left["defaultValue"]) == (0, 2000, 0)
    relight = dynamic(server, "stabilityai-generic-processor",
                      {"path": "/v2beta/stable-image/edit/replace-background-and-relight"}).json()
    assert relight["outputType"] == "imageUrl"
    video = dynamic(server, "stabilityai-generic-processor", {"path": "/v2beta/image-to-video"}).json()
    assert video["outputType"] == "videoUrl"
    sd3 = dynamic(server, "stabilityai-generic-processor", {"path": "/v2beta/stable-image/generate/sd3"}).json()
    image = next(f for f in sd3["fields"] if f["name"] == "image")
    assert image["isBinary"] is True  # no example in the document, still a file
    bad = dynamic(server, "stabilityai-generic-processor", {"path": "/v1/user/account"})
    assert bad.status_code == 400 and "Unknown StabilityAI path" in bad.json()["error"]


def test_dynamic_config_gpt_image(server: ServerProcess) -> None:
    generate = dynamic(server, "gpt-image-processor", {"method": "generate"}).json()
    assert generate["nodeName"] == "GPT Image – Generate" and generate["outputType"] == "imageUrl"
    assert [f["name"] for f in generate["fields"]] == ["model", "prompt", "size", "quality", "background",
                                                       "moderation"]
    moderation = generate["fields"][-1]
    assert moderation["defaultValue"] == "low"
    edit = dynamic(server, "gpt-image-processor", {"method": "edit"}).json()
    assert edit["nodeName"] == "GPT Image – Edit" and edit["showHandlesNames"] is True
    fields = {f["name"]: f for f in edit["fields"]}
    assert fields["image"]["canAddChildrenFields"] is True and fields["mask"]["type"] == "fileUpload"
    assert dynamic(server, "gpt-image-processor", {"method": "paint"}).status_code == 400


# ---- mock mode -------------------------------------------------------------------------------------
def test_mock_mode_runs_every_media_node_without_keys(mock_server: ServerProcess) -> None:
    client = FlowClient(mock_server.url)
    try:
        flow = [node("d", "dalle-prompt", prompt="x"), node("s", "stable-diffusion-stabilityai-prompt", prompt="x"),
                node("g", "gpt-image-processor", method="edit", prompt="x"),
                node("t", "openai-text-to-speech-processor", text="x"),
                node("s3", "stabilityai-stable-diffusion-3-processor", prompt="x"),
                node("v", "stabilityai-generic-processor", path="/v2beta/image-to-video")]
        events = client.run(flow, parameters={}, timeout=20)
        end = next(d for n, d in events if n == "run_end")
        assert end["status"] == "completed", events
        for name in ("d", "s"):  # mocked image nodes: a real PNG from our own storage, in a list as before
            (url,) = end["output"][name]
            assert url.startswith(mock_server.url + "/image/") and url.endswith(".png")
        assert len(end["output"]) == 6
    finally:
        client.close()

