"""Security basics: update_app_config gated, CORS and Socket.IO origins (never `*`), no tracebacks."""

from __future__ import annotations

import json
from typing import Callable

import pytest
import requests
import socketio

from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess
from app.web.sockets import is_loopback

DEV_ORIGIN = "http://localhost:5173"
FOREIGN = "http://evil.example"


# ---- update_app_config ------------------------------------------------------------------------
def test_update_app_config_is_refused_when_disabled(client: FlowClient) -> None:
    client.emit("update_app_config", {"REPLICATE_API_KEY": "r8_new"})
    _, error = client.wait_for(lambda name, data: name == "error" and "ENABLE_SET_APP_CONFIG_ON_UI" in data["error"])
    assert "disabled" in error["error"]
    assert not [e for e in client.events if e[0] == "app_config_updated"]


def test_update_app_config_accepted_from_loopback_when_enabled(
        start_server: Callable[..., ServerProcess], client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(ENABLE_SET_APP_CONFIG_ON_UI="true", USE_MOCK="true")
    client = client_factory(server.url)
    client.emit("update_app_config", {"REPLICATE_API_KEY": "r8_from_ui", "UNRELATED": "x", "S3_BUCKET_NAME": " "})
    _, reply = client.wait_for(lambda name, _: name in ("app_config_updated", "error"))
    assert reply == {"updated": ["REPLICATE_API_KEY"]}
    client.emit("update_app_config", "not an object")
    _, error = client.wait_for(lambda name, _: name == "error")
    assert "JSON object" in error["error"]
    assert "r8_from_ui" not in server.log()


@pytest.mark.parametrize("address, expected", [
    ("127.0.0.1", True), ("127.10.0.3", True), ("::1", True), ("10.0.0.1", False), ("192.168.1.2", False),
    ("8.8.8.8", False), ("::ffff:10.0.0.1", False), ("", False), (None, False), ("localhost", False),
    ("not an ip", False)])
def test_is_loopback(address: str | None, expected: bool) -> None:
    assert is_loopback(address) is expected


# ---- CORS ---------------------------------------------------------------------------------------
def test_cors_allows_dev_origins_only(mock_server: ServerProcess) -> None:
    allowed = requests.get(mock_server.url + "/healthcheck", headers={"Origin": DEV_ORIGIN}, timeout=5)
    assert allowed.headers.get("Access-Control-Allow-Origin") == DEV_ORIGIN
    foreign = requests.get(mock_server.url + "/node/configs", headers={"Origin": FOREIGN}, timeout=5)
    assert "Access-Control-Allow-Origin" not in foreign.headers
    preflight = requests.options(mock_server.url + "/node/extensions/dynamic", timeout=5, headers={
        "Origin": FOREIGN, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    for response in (allowed, foreign, preflight):
        assert response.headers.get("Access-Control-Allow-Origin") != "*"


def test_cors_origins_setting_replaces_the_defaults_and_drops_star(
        start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(CORS_ORIGINS="https://flows.example.org, *")
    ok = requests.get(server.url + "/healthcheck", headers={"Origin": "https://flows.example.org"}, timeout=5)
    assert ok.headers.get("Access-Control-Allow-Origin") == "https://flows.example.org"
    other = requests.get(server.url + "/healthcheck", headers={"Origin": FOREIGN}, timeout=5)
    assert "Access-Control-Allow-Origin" not in other.headers


def _connect(url: str, origin: str | None, transport: str = "polling") -> bool:
    """Connect with exactly this Origin header (the websocket client adds its own, same-origin, one)."""
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url, headers={"Origin": origin} if origin else {}, transports=[transport],
                       wait_timeout=5)
        return client.connected
    except socketio.exceptions.ConnectionError:
        return False
    finally:
        if client.connected:
            client.eio.disconnect(abort=True)  # a polite polling disconnect waits for the long poll


def test_socketio_refuses_foreign_origins(mock_server: ServerProcess) -> None:
    assert _connect(mock_server.url, FOREIGN) is False
    assert _connect(mock_server.url, mock_server.url) is True  # same origin
    assert _connect(mock_server.url, DEV_ORIGIN) is True
    assert _connect(mock_server.url, None, "websocket") is True  # the client's own (same) origin
    polling = requests.get(mock_server.url + "/socket.io/?EIO=4&transport=polling",
                           headers={"Origin": FOREIGN}, timeout=5)
    assert polling.status_code >= 400
    assert polling.headers.get("Access-Control-Allow-Origin") in (None, "")


# ---- no tracebacks ------------------------------------------------------------------------------
def test_no_traceback_reaches_clients(mock_server: ServerProcess, client: FlowClient) -> None:
    for payload in ("x", [1], {"jsonFile": "[{"}, {"jsonFile": json.dumps([{"name": 3}])},
                    {"jsonFile": json.dumps([node("a", "input-text", inputText="x", raiseError=True)])},
                    {"jsonFile": json.dumps([node("b", "llm-prompt", prompt="x", raiseError=True)])},
                    {"jsonFile": json.dumps([node("c", "http-get-processor", url="http://127.0.0.1:1/x")]),
                     "parameters": {}}):
        client.emit("process_file", payload)
        client.emit("run_node", payload if not isinstance(payload, dict) else {**payload, "nodeName": "a"})
    client.emit("cancel_run", "weird")
    client.emit("no_such_event", {"x": 1})
    client.run([node("ok", "input-text", inputText="x")])
    assert sum(1 for name, _, _ in client.events if name == "error") >= 10
    assert "Traceback" not in json.dumps([data for _, data, _ in client.events])
    bodies = [
        requests.post(mock_server.url + "/node/extensions/dynamic", data="{", timeout=5,
                      headers={"Content-Type": "application/json"}),
        requests.post(mock_server.url + "/node/extensions/dynamic", json={"processorType": "nope", "data": {}},
                      timeout=5),
        requests.get(mock_server.url + "/image/../../etc/passwd", timeout=5),
        requests.delete(mock_server.url + "/healthcheck", timeout=5),
    ]
    for response in bodies:
        assert response.status_code < 500, response.text
        assert "Traceback" not in response.text
