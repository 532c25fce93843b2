"""TRUSTED_PROXIES: behind a reverse proxy the client's address comes from X-Forwarded-For, and only then."""

from __future__ import annotations

from typing import Any, Callable

import requests

from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess

SLOW_MOCK = {"USE_MOCK": "true", "MAX_RUNS_PER_CLIENT": "1"}


def slow_flow() -> list[dict[str, Any]]:
    return [node("in#input-text", "input-text", inputText="x"),
            node("wait#llm-prompt", "llm-prompt", [("in#input-text", None, 0)], model="gpt-4.1-mini",
                 prompt="p", af_node_version=2, sleepDuration=20)]


def start_from(server: ServerProcess, client_address: str) -> requests.Response:
    return requests.post(server.url + "/api/v1/runs", json={"flow": slow_flow()}, timeout=30,
                         headers={"X-Forwarded-For": client_address})


def cancel_all(server: ServerProcess, responses: list[requests.Response]) -> None:
    for response in responses:
        if response.status_code == 201:
            requests.post(f"{server.url}/api/v1/runs/{response.json()['id']}/cancel", timeout=10)


def test_behind_a_trusted_proxy_each_client_has_its_own_run_places(
        start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(TRUSTED_PROXIES="1", **SLOW_MOCK)
    first = start_from(server, "203.0.113.7")
    again = start_from(server, "203.0.113.7")
    other = start_from(server, "198.51.100.20")
    try:
        assert first.status_code == 201, first.text
        assert again.status_code == 429 and "MAX_RUNS_PER_CLIENT" in again.json()["detail"]
        assert other.status_code == 201, other.text  # another client behind the same proxy is not refused
    finally:
        cancel_all(server, [first, again, other])


def test_without_trusted_proxies_a_forwarded_address_is_ignored(
        start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(**SLOW_MOCK)
    first = start_from(server, "203.0.113.7")
    spoofed = start_from(server, "198.51.100.20")  # a header anyone can write must not buy more places
    try:
        assert first.status_code == 201, first.text
        assert spoofed.status_code == 429, spoofed.text
    finally:
        cancel_all(server, [first, spoofed])


def test_a_remote_client_behind_the_proxy_may_not_change_the_configuration(
        start_server: Callable[..., ServerProcess], client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(TRUSTED_PROXIES="1", ENABLE_SET_APP_CONFIG_ON_UI="true", USE_MOCK="true")
    remote = client_factory(server.url, headers={"X-Forwarded-For": "203.0.113.7"})
    remote.emit("update_app_config", {"REPLICATE_API_KEY": "r8_remote"})
    _, reply = remote.wait_for(lambda name, _: name in ("app_config_updated", "error"))
    assert "own machine" in reply["error"]
    local = client_factory(server.url, headers={"X-Forwarded-For": "127.0.0.1"})
    local.emit("update_app_config", {"REPLICATE_API_KEY": "r8_local"})
    _, reply = local.wait_for(lambda name, _: name in ("app_config_updated", "error"))
    assert reply == {"updated": ["REPLICATE_API_KEY"]}
