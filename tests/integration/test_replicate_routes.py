"""The Replicate catalogue routes of the real server, against the fake Replicate API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from app.testing.fakes.provider_server import FakeProviders
from app.testing.fakes.replicate_api import LATEST_SCHEMA, PINNED_SCHEMA
from app.testing.flow_client import FlowClient
from app.testing.server_process import ServerProcess

ENV_KEY = "r8_env_key_secret"


@pytest.fixture(scope="module")
def server(fake: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """REPLICATE_API_KEY set on the server; two spotlight models."""
    env = {**fake.base_urls(), "REPLICATE_API_KEY": ENV_KEY, "PROVIDER_TIMEOUT_S": "5",
           "REPLICATE_MODELS_HIGHLIGHTED": "acme/text-gen, acme/slow"}
    process = ServerProcess(env, tmp_path_factory.mktemp("replicate-routes"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def keyless(fake: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """No server key; one spotlight model does not exist."""
    env = {**fake.base_urls(), "REPLICATE_API_KEY": "", "PROVIDER_TIMEOUT_S": "5",
           "REPLICATE_MODELS_HIGHLIGHTED": "acme/text-gen,acme/missing", "ENABLE_SET_APP_CONFIG_ON_UI": "true"}
    process = ServerProcess(env, tmp_path_factory.mktemp("replicate-routes-keyless"))
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def clean_fake(fake: FakeProviders) -> None:
    fake.reset()


def get(server: ServerProcess, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(server.url + path, timeout=10, **kwargs)


def hits(fake: FakeProviders, path: str, **query: str) -> list[Any]:
    return [r for r in fake.requests if r.path == f"/replicate/v1{path}" and r.query == query]


def assert_slim(models: list[dict[str, Any]]) -> None:
    assert models
    for model in models:
        assert {"owner", "name", "cover_image_url", "description", "run_count"} <= set(model)
        assert "latest_version" not in model and "default_example" not in model


def test_models_page_and_spotlight(server: ServerProcess, fake: FakeProviders) -> None:
    response = get(server, "/node/models")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"public", "highlighted"}
    public = body["public"]
    assert [m["name"] for m in public["results"]] == ["image-maker", "text-gen"]
    assert_slim(public["results"])
    assert public["next"].endswith("/models?cursor=page2")
    assert [f"{m['owner']}/{m['name']}" for m in body["highlighted"]] == ["acme/text-gen", "acme/slow"]
    assert_slim(body["highlighted"])
    assert all(r.headers["Authorization"] == f"Bearer {ENV_KEY}" for r in fake.requests)


def test_models_cursor_is_passed_and_pages_are_cached(server: ServerProcess, fake: FakeProviders) -> None:
    first = get(server, "/node/models", params={"cursor": "page3"})
    assert first.status_code == 200
    assert [m["name"] for m in first.json()["public"]["results"]] == ["stable-video-diffusion"]
    assert first.json()["public"]["next"] is None
    assert len(hits(fake, "/models", cursor="page3")) == 1
    second = get(server, "/node/models", params={"cursor": "page3"})
    assert second.json() == first.json()
    assert len(hits(fake, "/models", cursor="page3")) == 1  # served from the cache


def test_collections_errors_are_not_cached(server: ServerProcess, fake: FakeProviders) -> None:
    fake.fail_next("/replicate/v1/collections", 500, {"title": "Internal Server Error", "status": 500})
    failed = get(server, "/node/collections")
    assert failed.status_code == 502
    assert failed.headers["Content-Type"].startswith("application/json")
    assert "Replicate had a server error (500)" in failed.json()["error"]
    ok = get(server, "/node/collections")
    assert ok.status_code == 200
    assert [c["slug"] for c in ok.json()["results"]] == ["text-to-image", "language-models"]
    again = get(server, "/node/collections")
    assert again.json() == ok.json()
    assert len(hits(fake, "/collections")) == 2  # the failure and the first success; then the cache


def test_collection_models_with_cursor(server: ServerProcess, fake: FakeProviders) -> None:
    first = get(server, "/node/collections/text-to-image")
    assert first.status_code == 200
    body = first.json()
    assert [m["name"] for m in body["models"]] == ["image-maker", "slow"]
    assert_slim(body["models"])
    assert body["next"].endswith("cursor=page2")
    second = get(server, "/node/collections/text-to-image", params={"cursor": "page2"})
    assert [m["name"] for m in second.json()["models"]] == ["broken"]
    assert len(hits(fake, "/collections/text-to-image", cursor="page2")) == 1


def test_unknown_collection_and_bad_slug(server: ServerProcess) -> None:
    missing = get(server, "/node/collections/no-such-thing")
    assert missing.status_code == 502 and "does not know" in missing.json()["error"]
    bad = get(server, "/node/collections/..%2Fsecrets")
    assert bad.status_code in (400, 404)
    assert "error" in bad.json()


def test_model_config_latest_and_pinned(server: ServerProcess, fake: FakeProviders) -> None:
    latest = get(server, "/node/replicate/config/acme/image-maker", params={"processorType": "replicate"})
    assert latest.status_code == 200
    assert latest.json() == {"schema": LATEST_SCHEMA, "modelId": "latest222"}
    pinned = get(server, "/node/replicate/config/acme/image-maker:pinned111")
    assert pinned.json() == {"schema": PINNED_SCHEMA, "modelId": "pinned111"}
    assert hits(fake, "/models/acme/image-maker/versions/pinned111")
    get(server, "/node/replicate/config/acme/image-maker")
    assert len(hits(fake, "/models/acme/image-maker")) == 1  # cached


def test_model_config_errors(server: ServerProcess) -> None:
    unknown = get(server, "/node/replicate/config/acme/nothing-here")
    assert unknown.status_code == 502
    assert "Replicate does not know this model" in unknown.json()["error"]
    invalid = get(server, "/node/replicate/config/just-a-name")
    assert invalid.status_code == 400
    assert "owner/name" in invalid.json()["error"]


def test_request_key_overrides_the_server_key(server: ServerProcess, fake: FakeProviders) -> None:
    get(server, "/node/collections")  # cached for the server key by now or here
    fake.reset()
    response = get(server, "/node/collections", headers={"X-Replicate-Api-Key": "r8_from_request"})
    assert response.status_code == 200
    [request] = hits(fake, "/collections")  # another key: not the server key's cached answer
    assert request.headers["Authorization"] == "Bearer r8_from_request"


def test_rejected_key_is_a_502_without_the_key(server: ServerProcess) -> None:
    response = get(server, "/node/collections", headers={"X-Replicate-Api-Key": "bad-key-42"})
    assert response.status_code == 502
    assert "Replicate rejected the API key" in response.json()["error"]
    assert "bad-key-42" not in response.text


def test_missing_key_is_a_401_naming_the_setting(keyless: ServerProcess, fake: FakeProviders) -> None:
    for path in ("/node/models", "/node/collections", "/node/collections/text-to-image",
                 "/node/replicate/config/acme/image-maker"):
        response = get(keyless, path)
        assert response.status_code == 401, path
        assert "REPLICATE_API_KEY" in response.json()["error"]
    assert not fake.requests


def test_key_from_the_request_header_and_failed_spotlight_skipped(keyless: ServerProcess, fake: FakeProviders) -> None:
    response = get(keyless, "/node/models", headers={"X-Replicate-Api-Key": "r8_header"})
    assert response.status_code == 200
    body = response.json()
    assert [m["name"] for m in body["highlighted"]] == ["text-gen"]  # acme/missing is skipped
    assert {r.headers["Authorization"] for r in fake.requests} == {"Bearer r8_header"}
    fake.reset()
    get(keyless, "/node/models", headers={"X-Replicate-Api-Key": "r8_header"})
    # An incomplete spotlight list is not cached: only the failed model is asked again.
    assert [r.path for r in fake.requests] == ["/replicate/v1/models/acme/missing"]


def test_key_set_from_the_editor_app_parameters(keyless: ServerProcess, fake: FakeProviders) -> None:
    """update_app_config's REPLICATE_API_KEY is used by the catalogue at once (last test: it changes the server)."""
    client = FlowClient(keyless.url)
    try:
        client.emit("update_app_config", {"REPLICATE_API_KEY": "r8_from_ui"})
        client.wait_for(lambda name, data: name == "app_config_updated")
    finally:
        client.close()
    response = get(keyless, "/node/collections")
    assert response.status_code == 200
    assert hits(fake, "/collections")[0].headers["Authorization"] == "Bearer r8_from_ui"
