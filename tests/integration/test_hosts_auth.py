"""The front door under real use: Host checks (DNS rebinding), the access token off loopback, security
headers on the editor, long names: every case against the real server over real sockets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import socketio

from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ServerProcess

TOKEN = "test-token-0123456789abcdef"
POLLING = "/socket.io/?EIO=4&transport=polling"


def _get(url: str, path: str, host: str | None = None, **kwargs: Any) -> requests.Response:
    headers = {**({"Host": host} if host else {}), **kwargs.pop("headers", {})}
    return requests.get(url + path, headers=headers, timeout=5, **kwargs)


def _socket(url: str, **kwargs: Any) -> socketio.Client | None:
    """A connected polling Socket.IO client, or None when the server refuses it."""
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url, transports=["polling"], wait_timeout=5, **kwargs)
    except socketio.exceptions.ConnectionError:
        return None
    return client if client.connected else None


def _close(client: socketio.Client | None) -> None:
    if client is not None and client.connected:
        client.eio.disconnect(abort=True)


# ---- Host header (DNS rebinding) -------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/healthcheck", "/node/configs", POLLING])
def test_a_foreign_host_gets_400_everywhere(mock_server: ServerProcess, path: str) -> None:
    response = _get(mock_server.url, path, f"evil.example:{mock_server.port}")
    assert response.status_code == 400
    assert "Host" in response.json()["error"]
    assert "localhost" not in response.text and "127.0.0.1" not in response.text  # no config details


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST."])
def test_loopback_names_are_answered_on_any_port(mock_server: ServerProcess, host: str) -> None:
    assert _get(mock_server.url, "/healthcheck", f"{host}:{mock_server.port}").status_code == 200
    assert _get(mock_server.url, "/node/configs", f"{host}:8080").status_code == 200


def test_dns_rebinding_cannot_reach_update_app_config(start_server: Callable[..., ServerProcess]) -> None:
    """A page on evil.example rebound to 127.0.0.1: its requests carry Host and Origin evil.example."""
    server = start_server(ENABLE_SET_APP_CONFIG_ON_UI="true", USE_MOCK="true")
    rebound = f"evil.example:{server.port}"
    client = _socket(server.url, headers={"Host": rebound, "Origin": f"http://{rebound}"})
    try:
        assert client is None
    finally:
        _close(client)
    # the editor on an allowed name still connects, from its own origin and from another local port
    for origin in (f"http://localhost:{server.port}", "http://localhost:8080", f"http://[::1]:{server.port}"):
        client = _socket(server.url, headers={"Host": f"localhost:{server.port}", "Origin": origin})
        assert client is not None, origin
        _close(client)


def test_an_origin_must_be_an_allowed_host_not_merely_the_request_host(
        start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(ALLOWED_HOSTS="flows.example, .lan.example", USE_MOCK="true")
    port = server.port
    assert _get(server.url, "/healthcheck", f"flows.example:{port}").status_code == 200
    assert _get(server.url, "/healthcheck", f"box.lan.example:{port}").status_code == 200
    assert _get(server.url, "/healthcheck", f"127.0.0.1:{port}").status_code == 200  # loopback always
    assert _get(server.url, "/healthcheck", f"other.example:{port}").status_code == 400
    assert _get(server.url, POLLING, f"other.example:{port}").status_code == 400
    ok = _socket(server.url, headers={"Host": f"flows.example:{port}", "Origin": f"http://flows.example:{port}"})
    assert ok is not None
    _close(ok)
    refused = _socket(server.url, headers={"Host": f"flows.example:{port}", "Origin": "http://evil.example"})
    assert refused is None


# ---- access token ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess({"HOST": "0.0.0.0", "AUTH_TOKEN": TOKEN, "USE_MOCK": "true",
                            "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.02"},
                           tmp_path_factory.mktemp("token-server"))
    yield server
    server.stop()


def test_without_the_token_everything_but_healthcheck_is_401(token_server: ServerProcess) -> None:
    url = token_server.url
    assert _get(url, "/healthcheck").status_code == 200
    for path in ("/", "/node/configs", "/upload?filename=a.png", f"{POLLING}&token=wrong"):
        response = _get(url, path)
        assert response.status_code == 401, path
        assert "token" in response.json()["error"]
    for headers in ({"Authorization": "Bearer wrong"}, {"Cookie": f"aiflow_token_{token_server.port}=wrong"}):
        assert _get(url, "/node/configs", headers=headers).status_code == 401
        assert _get(url, POLLING, headers=headers).status_code == 401
    assert _get(url, "/?token=wrong", allow_redirects=False).status_code == 401


def test_socketio_without_the_token_cannot_connect(token_server: ServerProcess) -> None:
    for kwargs in ({}, {"auth": {"token": "wrong"}}, {"auth": {"nope": TOKEN}}):
        client = _socket(token_server.url, **kwargs)
        assert client is None, kwargs
    # the bare Engine.IO handshake opens, but its Socket.IO CONNECT is refused
    handshake = _get(token_server.url, POLLING)
    sid = json.loads(handshake.text[1:])["sid"]
    requests.post(f"{token_server.url}{POLLING}&sid={sid}", data="40", timeout=5)
    answer = _get(token_server.url, f"{POLLING}&sid={sid}").text
    assert answer.startswith("44") and "Unauthorized" in answer


def test_the_token_link_sets_a_strict_httponly_cookie(token_server: ServerProcess) -> None:
    session = requests.Session()
    first = session.get(f"{token_server.url}/?token={TOKEN}&tab=2", allow_redirects=False, timeout=5)
    assert first.status_code == 302
    assert first.headers["Location"] == "/?tab=2"
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"aiflow_token_{token_server.port}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert session.get(token_server.url + "/", timeout=5).status_code == 200
    assert session.get(token_server.url + "/node/configs", timeout=5).status_code == 200
    # a protocol-relative path cannot turn the redirect into one to another site
    odd = requests.get(f"{token_server.url}//evil.example/?token={TOKEN}", allow_redirects=False, timeout=5)
    assert odd.headers["Location"].startswith("/evil.example")
    cookie_header = {"Cookie": f"aiflow_token_{token_server.port}={TOKEN}"}
    client = _socket(token_server.url, headers=cookie_header)
    assert client is not None
    _close(client)


def test_scripts_use_a_bearer_header_or_the_socketio_auth_dict(
        token_server: ServerProcess, client_factory: Callable[..., FlowClient]) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert _get(token_server.url, "/node/configs", headers=bearer).status_code == 200
    for transports in (["polling"], ["websocket"]):
        client = client_factory(token_server.url, auth={"token": TOKEN}, transports=transports)
        events = client.run([node("hello", "input-text", inputText="hi")])
        assert any(name == "run_end" for name, _ in events), events
    header_client = client_factory(token_server.url, headers=bearer)
    assert any(name == "run_end" for name, _ in header_client.run([node("x", "input-text", inputText="x")]))
    assert TOKEN not in token_server.log()  # a token set with AUTH_TOKEN is never logged


def test_a_generated_token_is_printed_once_in_the_start_up_line(
        start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(HOST="0.0.0.0", USE_MOCK="true")
    match = re.search(r"Editor at http://localhost:%d/\?token=([A-Za-z0-9_-]{20,})" % server.port, server.log())
    assert match, server.log()
    token = match.group(1)
    assert _get(server.url, "/node/configs").status_code == 401
    assert _get(server.url, "/node/configs", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert _get(server.url, f"/?token={token}", allow_redirects=False).status_code == 302
    assert server.log().count(token) == 1


def test_auth_token_applies_on_loopback_when_set_and_loopback_is_open_otherwise(
        mock_server: ServerProcess, start_server: Callable[..., ServerProcess]) -> None:
    assert _get(mock_server.url, "/node/configs").status_code == 200
    assert "?token=" not in mock_server.log()
    server = start_server(AUTH_TOKEN=TOKEN, USE_MOCK="true")
    assert _get(server.url, "/node/configs").status_code == 401
    assert _get(server.url, "/node/configs", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


# ---- headers -------------------------------------------------------------------------------------
def test_the_editor_sends_a_content_security_policy(mock_server: ServerProcess) -> None:
    page = _get(mock_server.url, "/")
    assert page.status_code == 200
    policy = {part.split()[0]: part.split()[1:] for part in page.headers["Content-Security-Policy"].split("; ")}
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert {"ws:", "wss:"} <= set(policy["connect-src"])
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert _get(mock_server.url, "/node/configs").headers["X-Content-Type-Options"] == "nosniff"


def test_the_built_editor_has_no_inline_script() -> None:
    index = Path(__file__).resolve().parents[2] / "ui" / "dist" / "index.html"
    if not index.is_file():
        pytest.skip("the editor is not built")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", index.read_text(), flags=re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)


# ---- long names ----------------------------------------------------------------------------------
def test_a_5000_character_file_name_is_a_400_not_a_500(mock_server: ServerProcess) -> None:
    upload = _get(mock_server.url, "/upload", params={"filename": "a" * 5000 + ".pdf"})
    assert upload.status_code == 400
    assert "too long" in upload.json()["error"]
    odd_type = _get(mock_server.url, "/upload", params={"filename": "x." + "b" * 200})
    assert odd_type.status_code == 400 and len(odd_type.json()["error"]) < 1000
    served = _get(mock_server.url, "/image/" + "c" * 5000 + ".png")
    assert served.status_code == 400
    assert "too long" in served.json()["error"]


# ---- every async mode ----------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["gevent", "eventlet", "threading"])
def test_the_front_door_holds_in_every_async_mode(mode: str, start_server: Callable[..., ServerProcess],
                                                   client_factory: Callable[..., FlowClient]) -> None:
    server = start_server(ASYNC_MODE=mode, HOST="0.0.0.0", AUTH_TOKEN=TOKEN, USE_MOCK="true")
    assert _get(server.url, POLLING, f"evil.example:{server.port}").status_code == 400
    assert _get(server.url, "/node/configs").status_code == 401
    assert _socket(server.url) is None
    websocket = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):  # the upgrade request itself is refused
        websocket.connect(server.url, transports=["websocket"], wait_timeout=5,
                          headers={"Authorization": "Bearer wrong"})
    client = client_factory(server.url, auth={"token": TOKEN}, transports=["websocket"])
    assert any(name == "run_end" for name, _ in client.run([node("a", "input-text", inputText="x")]))
    assert TOKEN not in server.log()
