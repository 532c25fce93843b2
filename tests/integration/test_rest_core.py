"""REST: healthcheck, node catalogue (+ whitelist/blacklist), dynamic configs, parameters from any
working directory, unknown routes; client errors are 4xx JSON {error}, never a 500 or a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
import requests

from app.testing.server_process import ROOT, ServerProcess

CONFIG_KEYS = {"nodeName", "processorType", "icon", "section", "helpMessage", "outputType", "fields",
               "inputNames", "hasInputHandle", "showHandlesNames", "isBeta", "defaultHideOutput",
               "isDynamicallyGenerated"}


def get(server: ServerProcess, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(server.url + path, timeout=10, **kwargs)


def assert_json_error(response: requests.Response, status: int | tuple[int, ...]) -> str:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.text
    return body["error"]


def test_healthcheck(mock_server: ServerProcess) -> None:
    response = get(mock_server, "/healthcheck")
    assert response.status_code == 200 and response.text == "OK"


def test_node_extensions_lists_extension_configs_only(mock_server: ServerProcess) -> None:
    extensions = get(mock_server, "/node/extensions").json()["extensions"]
    configs = get(mock_server, "/node/configs").json()
    assert isinstance(extensions, list)
    types = [entry["processorType"] for entry in extensions]
    assert "input-text" not in types and "input-text" in configs["types"]
    assert set(types) <= set(configs["types"])
    for entry in extensions:
        assert CONFIG_KEYS <= set(entry), entry["processorType"]
        assert isinstance(entry["fields"], list)
    listed = {entry["processorType"] for entry in configs["nodes"]}
    assert {"input-text", "transition", "display"} <= listed


def test_extensions_whitelist_and_blacklist(mock_server: ServerProcess,
                                            start_server: Callable[..., ServerProcess]) -> None:
    all_types = [e["processorType"] for e in get(mock_server, "/node/extensions").json()["extensions"]]
    if len(all_types) < 3:
        pytest.skip(f"needs three extension node types, found {all_types}")
    keep, drop, other = all_types[0], all_types[1], all_types[2]
    server = start_server(EXTENSIONS_WHITELIST=f"{keep}, {drop}", EXTENSIONS_BLACKLIST=drop)
    types = [e["processorType"] for e in get(server, "/node/extensions").json()["extensions"]]
    assert types == [keep]
    assert other not in [n["processorType"] for n in get(server, "/node/configs").json()["nodes"]]
    blacklisted = start_server(EXTENSIONS_BLACKLIST=drop)
    types = [e["processorType"] for e in get(blacklisted, "/node/extensions").json()["extensions"]]
    assert drop not in types and keep in types and other in types


@pytest.mark.parametrize("kwargs, status, words", [
    ({"data": "x", "headers": {"Content-Type": "text/plain"}}, 400, "JSON object"),
    ({"data": "{", "headers": {"Content-Type": "application/json"}}, 400, "JSON object"),
    ({"json": None}, 400, "JSON object"),
    ({"json": []}, 400, "JSON object"),
    ({"json": {"data": {}}}, 400, "processorType"),
    ({"json": {"processorType": "", "data": {}}}, 400, "processorType"),
    ({"json": {"processorType": "no-such-node", "data": {}}}, 404, "no-such-node"),
    ({"json": {"processorType": "input-text", "data": "x"}}, 400, "'data'"),
    ({"json": {"processorType": "input-text", "data": {}}}, 400, "no dynamic configuration"),
])
def test_dynamic_config_bad_bodies(mock_server: ServerProcess, kwargs: dict[str, Any], status: int,
                                   words: str) -> None:
    response = requests.post(mock_server.url + "/node/extensions/dynamic", timeout=10, **kwargs)
    assert words in assert_json_error(response, status)


def test_dynamic_config_of_a_dynamic_node(mock_server: ServerProcess) -> None:
    types = get(mock_server, "/node/configs").json()["types"]
    if "stabilityai-generic-processor" not in types:
        pytest.skip("stabilityai-generic-processor is not registered yet")
    url = mock_server.url + "/node/extensions/dynamic"
    missing = requests.post(url, json={"processorType": "stabilityai-generic-processor", "data": {}}, timeout=10)
    assert "path" in assert_json_error(missing, (400, 404, 422))
    good = requests.post(url, timeout=10, json={"processorType": "stabilityai-generic-processor",
                                                "data": {"path": "/v2beta/stable-image/generate/core"}})
    assert good.status_code == 200 and good.json()["processorType"] == "stabilityai-generic-processor"


class ServerElsewhere(ServerProcess):
    """server.py started from another working directory."""

    def __init__(self, cwd: Path) -> None:  # noqa: D107 - mirrors ServerProcess with another cwd
        from app.testing.server_process import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {"PORT": str(self.port), "HOST": "127.0.0.1", "FLASK_SECRET_KEY": "test-secret",
               "PYTHONUNBUFFERED": "1", "LOCAL_STORAGE_FOLDER_NAME": str(cwd / "storage"),
               "PATH": "/usr/bin:/bin", "DATA_DIR": str(cwd / "data")}
        self._data_dir = None
        self.log_path = cwd / "server.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "server.py")], cwd=str(cwd), env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerElsewhere(tmp_path)
    yield server
    server.stop()


def test_parameters_from_another_working_directory(elsewhere: ServerProcess) -> None:
    response = get(elsewhere, "/parameters")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"core", "extension"}
    assert {"openai_api_key", "stabilityai_api_key", "replicate_api_key"} <= set(body["core"])
    assert body["core"]["openai_api_key"]["tag"] == "core"
    assert get(elsewhere, "/node/extensions").status_code == 200


def test_unknown_routes_and_client_errors(mock_server: ServerProcess,
                                          start_server: Callable[..., ServerProcess]) -> None:
    spa = get(mock_server, "/some/editor/route")
    assert spa.status_code == 200 and spa.headers["Content-Type"].startswith("text/html")
    assert_json_error(get(mock_server, "/image/no-such-file.png"), 404)
    assert_json_error(requests.delete(mock_server.url + "/healthcheck", timeout=10), 405)
    assert_json_error(requests.put(mock_server.url + "/node/configs", timeout=10), 405)
    assert_json_error(get(mock_server, "/image/..%2F..%2Fserver.py"), 404)
    bare = start_server(SERVE_STATIC_FILES="false")
    assert_json_error(get(bare, "/no/such/route"), 404)
    assert_json_error(get(bare, "/"), 404)
    assert get(bare, "/healthcheck").status_code == 200
