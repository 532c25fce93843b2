"""The flow library API through the real server: save twice, run v1 and latest with inputs by name, describe,
rename, list, delete; a missing required input or an unknown output is a 422 naming it."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from app.testing.flow_client import node
from app.testing.server_process import ServerProcess

PROBLEM = "application/problem+json"


def flow(greeting: str) -> list[dict[str, Any]]:
    return [node("name#input-text", "input-text", inputText=""),
            node("greeting#input-text", "input-text", inputText=greeting),
            node("hello#merger-prompt", "merger-prompt", [("greeting#input-text", "input-1", 0),
                                                          ("name#input-text", "input-2", 0)],
                 inputNames=["input-1", "input-2"], prompt="${input-1}, ${input-2}!", openai_api_key="sk-not-kept")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    srv = ServerProcess({"USE_MOCK": "true"}, tmp_path_factory.mktemp("flows"))
    yield srv
    srv.stop()


def api(server: ServerProcess, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{server.url}/api/v1/flows{path}", timeout=30, **kwargs)


def test_save_versions_describe_and_run_by_name(server: ServerProcess) -> None:
    created = api(server, "POST", "", json={"name": "Greeter", "flow": flow("Hello")})
    assert created.status_code == 201, created.text
    body = created.json()
    flow_id = body["id"]
    assert created.headers["Location"] == f"/api/v1/flows/{flow_id}"
    assert body["version"] == 1 and body["latestVersion"] == 1 and body["name"] == "Greeter"
    assert "openai_api_key" not in body["flow"][2]
    assert [(i["name"], i["field"], i["required"]) for i in body["inputs"]] == [
        ("name#input-text", "inputText", True), ("greeting#input-text", "inputText", False)]
    assert [o["name"] for o in body["outputs"]] == ["hello#merger-prompt"]

    saved = api(server, "PUT", f"/{flow_id}", json={"flow": flow("Bonjour")})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    assert [v["version"] for v in saved.json()["versions"]] == [2, 1]

    latest = api(server, "POST", f"/{flow_id}/runs", json={"inputs": {"name#input-text": "Ada"}, "wait": 20})
    assert latest.status_code == 200, latest.text
    assert latest.json()["status"] == "succeeded"
    assert latest.json()["outputs"]["hello#merger-prompt"] == "Bonjour, Ada!"
    assert latest.json()["flowId"] == flow_id and latest.json()["startedBy"] == "api"

    first = api(server, "POST", f"/{flow_id}/runs", json={"inputs": {"name#input-text": "Ada"}, "version": 1,
                                                           "wait": 20, "outputs": ["hello#merger-prompt"]})
    assert first.json()["outputs"] == {"hello#merger-prompt": "Hello, Ada!"}
    old = api(server, "GET", f"/{flow_id}", params={"version": 1}).json()
    assert old["version"] == 1 and old["flow"][1]["inputText"] == "Hello"


def test_bad_requests_name_what_is_wrong(server: ServerProcess) -> None:
    flow_id = api(server, "POST", "", json={"name": "Greeter", "flow": flow("Hi")}).json()["id"]
    missing = api(server, "POST", f"/{flow_id}/runs", json={"wait": 5})
    assert missing.status_code == 422 and missing.headers["Content-Type"].startswith(PROBLEM)
    assert missing.json()["errors"][0]["field"] == "inputs.name#input-text"
    unknown = api(server, "POST", f"/{flow_id}/runs", json={"inputs": {"name#input-text": "x"},
                                                             "outputs": ["nope"]})
    assert unknown.status_code == 422 and "nope" in unknown.json()["detail"]
    not_input = api(server, "POST", f"/{flow_id}/runs", json={"inputs": {"name#input-text": "x",
                                                                          "hello#merger-prompt": "y"}})
    assert not_input.status_code == 422 and not_input.json()["errors"][0]["field"] == "inputs.hello#merger-prompt"
    assert api(server, "POST", "/nope/runs", json={}).status_code == 404
    assert api(server, "GET", f"/{flow_id}", params={"version": 7}).status_code == 404
    assert api(server, "POST", "", json={"name": "", "flow": []}).status_code == 422
    assert api(server, "POST", "", json={"name": "x", "flow": "not json"}).status_code == 422
    assert api(server, "POST", "", data=b"nope", headers={"Content-Type": "application/json"}).status_code == 400


def test_rename_list_and_delete(server: ServerProcess) -> None:
    ids = [api(server, "POST", "", json={"name": f"listed {i}", "flow": flow("Hi")}).json()["id"] for i in range(3)]
    renamed = api(server, "PATCH", f"/{ids[0]}", json={"name": "renamed"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "renamed"
    page = api(server, "GET", "", params={"limit": 2}).json()
    assert [f["id"] for f in page["flows"]] == [ids[0], ids[2]] and page["nextCursor"]
    rest = api(server, "GET", "", params={"cursor": page["nextCursor"], "limit": 200}).json()
    assert ids[1] in [f["id"] for f in rest["flows"]]
    assert api(server, "GET", "", params={"cursor": "bogus"}).status_code == 400
    assert api(server, "DELETE", f"/{ids[1]}").status_code == 204
    assert api(server, "DELETE", f"/{ids[1]}").status_code == 404
    assert api(server, "GET", f"/{ids[1]}").status_code == 404
