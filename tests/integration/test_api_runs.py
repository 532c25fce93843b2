"""REST run API against the real server: start (with and without wait), read, list (cursor, filters), cancel,
delete, problem+json errors naming fields and nodes, the access token, the OpenAPI document and docs page."""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import requests

from app.testing.flow_client import node
from app.testing.server_process import ServerProcess

PROBLEM = "application/problem+json"


def api(server: ServerProcess) -> str:
    return server.url + "/api/v1"


def chain(text: str = "hello") -> list[dict[str, Any]]:
    return [node("in#input-text", "input-text", inputText=text),
            node("out#display", "display", [("in#input-text", None, 0)])]


def slow(seconds: float = 5) -> list[dict[str, Any]]:
    return [node("in#input-text", "input-text", inputText="x"),
            node("wait#llm-prompt", "llm-prompt", [("in#input-text", None, 0)], model="gpt-4.1-mini",
                 prompt="p", af_node_version=2, sleepDuration=seconds)]


def start(server: ServerProcess, **body: Any) -> requests.Response:
    return requests.post(api(server) + "/runs", json=body, timeout=30)


def wait_done(server: ServerProcess, run_id: str, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = requests.get(f"{api(server)}/runs/{run_id}", timeout=10).json()
        if run["status"] not in ("queued", "running"):
            return run
        assert time.monotonic() < deadline, run
        time.sleep(0.05)


def assert_problem(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    assert "Traceback" not in response.text and "Error:" not in body["detail"]
    return body


def test_post_with_wait_answers_with_outputs_and_inputs_override_by_node_name(mock_server: ServerProcess) -> None:
    response = start(mock_server, flow=chain(), wait=10, inputs={"in#input-text": "overridden"})
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["status"] == "succeeded" and run["startedBy"] == "api"
    assert run["outputs"] == {"in#input-text": "overridden", "out#display": "overridden"}
    assert {n["name"]: n["status"] for n in run["nodes"]} == {"in#input-text": "succeeded", "out#display": "succeeded"}
    assert all(n["duration"] is not None and n["startedAt"] for n in run["nodes"])
    assert len(run["id"]) == 32 and run["duration"] is not None and run["endedAt"] >= run["startedAt"]
    assert run["flow"][0]["inputText"] == "overridden"


def test_post_without_wait_then_get_until_done(mock_server: ServerProcess) -> None:
    response = start(mock_server, flow=chain("later"), flowId="tab-later")
    assert response.status_code == 201, response.text
    accepted = response.json()
    run_id = accepted["id"]
    assert accepted["status"] == "running"
    assert response.headers["Location"] == f"/api/v1/runs/{run_id}" == accepted["links"]["self"]
    assert accepted["links"]["events"].endswith("/events") and accepted["links"]["cancel"].endswith("/cancel")
    run = wait_done(mock_server, run_id)
    assert run["status"] == "succeeded" and run["outputs"]["out#display"] == "later" and run["flowId"] == "tab-later"


def test_flow_as_json_string_and_target(mock_server: ServerProcess) -> None:
    import json

    response = start(mock_server, flow=json.dumps(chain("s")), target="in#input-text", wait=10)
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["target"] == "in#input-text" and set(run["outputs"]) == {"in#input-text"}


def test_list_with_cursor_and_filters(mock_server: ServerProcess) -> None:
    flow_id = f"tab-{uuid.uuid4().hex[:8]}"
    ids = [start(mock_server, flow=chain(str(i)), flowId=flow_id, wait=10).json()["id"] for i in range(3)]
    failing = [node("bad#input-text", "input-text", inputText="x", raiseError=True)]
    failed = start(mock_server, flow=failing, flowId=flow_id, wait=10).json()
    assert failed["status"] == "failed" and failed["error"]
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"flowId": flow_id, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = requests.get(api(mock_server) + "/runs", params=params, timeout=10).json()
        seen += [run["id"] for run in page["runs"]]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert pages == 2 and seen == [failed["id"], *reversed(ids)]  # newest first, no run twice
    only_failed = requests.get(api(mock_server) + "/runs", params={"flowId": flow_id, "status": "failed"},
                               timeout=10).json()
    assert [run["id"] for run in only_failed["runs"]] == [failed["id"]] and only_failed["nextCursor"] is None
    summary = only_failed["runs"][0]
    assert set(summary) == {"id", "status", "createdAt", "startedAt", "endedAt", "duration", "startedBy", "target",
                            "flowId", "error"}
    bad = assert_problem(requests.get(api(mock_server) + "/runs", params={"status": "done"}, timeout=10), 400)
    assert bad["errors"][0]["field"] == "status"
    bad = assert_problem(requests.get(api(mock_server) + "/runs", params={"cursor": "xyz"}, timeout=10), 400)
    assert bad["errors"][0]["field"] == "cursor"
    bad = assert_problem(requests.get(api(mock_server) + "/runs", params={"limit": 500}, timeout=10), 400)
    assert bad["errors"][0]["field"] == "limit"


def test_cancel_is_idempotent_and_delete_waits_for_the_end(mock_server: ServerProcess) -> None:
    run_id = start(mock_server, flow=slow()).json()["id"]
    time.sleep(0.3)
    conflict = assert_problem(requests.delete(f"{api(mock_server)}/runs/{run_id}", timeout=10), 409)
    assert "cancel" in conflict["detail"]
    first = requests.post(f"{api(mock_server)}/runs/{run_id}/cancel", timeout=10)
    assert first.status_code == 202 and first.json() == {"id": run_id, "status": "cancelled"}
    again = requests.post(f"{api(mock_server)}/runs/{run_id}/cancel", timeout=10)
    assert again.status_code == 200 and again.json() == {"id": run_id, "status": "cancelled"}
    run = requests.get(f"{api(mock_server)}/runs/{run_id}", timeout=10).json()
    assert run["status"] == "cancelled" and run["endedAt"]
    assert requests.delete(f"{api(mock_server)}/runs/{run_id}", timeout=10).status_code == 204
    assert_problem(requests.get(f"{api(mock_server)}/runs/{run_id}", timeout=10), 404)
    assert_problem(requests.delete(f"{api(mock_server)}/runs/{run_id}", timeout=10), 404)


def test_unknown_runs_and_paths_are_404_problems(mock_server: ServerProcess) -> None:
    unknown = uuid.uuid4().hex
    for method, path in (("GET", ""), ("POST", "/cancel"), ("DELETE", ""), ("GET", "/events")):
        body = assert_problem(requests.request(method, f"{api(mock_server)}/runs/{unknown}{path}", timeout=10), 404)
        assert unknown in body["detail"]
    assert_problem(requests.get(api(mock_server) + "/no-such-thing", timeout=10), 404)
    assert_problem(requests.put(api(mock_server) + "/runs", timeout=10), 405)


def test_invalid_flows_are_422_naming_the_nodes(mock_server: ServerProcess) -> None:
    cycle = [node("a#display", "display", [("b#display", None, 0)]), node("b#display", "display", [("a#display", None, 0)])]
    body = assert_problem(start(mock_server, flow=cycle), 422)
    assert set(body["nodes"]) == {"a#display", "b#display"} and "cycle" in body["detail"]
    assert body["errors"] == [{"field": "flow", "message": body["detail"]}]
    body = assert_problem(start(mock_server, flow=[node("x#nope", "nope")]), 422)
    assert body["nodes"] == ["x#nope"] and "nope" in body["detail"]
    missing = [node("out#display", "display", [("gone#input-text", None, 0)])]
    body = assert_problem(start(mock_server, flow=missing), 422)
    assert body["nodes"] == ["out#display"] and "gone#input-text" in body["detail"]
    body = assert_problem(start(mock_server, flow=chain(), inputs={"nobody": "x"}), 422)
    assert body["nodes"] == ["nobody"] and body["errors"][0]["field"] == "inputs.nobody"
    body = assert_problem(start(mock_server, flow=chain(), inputs={"out#display": "x"}), 422)
    assert body["errors"][0]["field"] == "inputs.out#display"
    body = assert_problem(start(mock_server, flow=chain(), target="elsewhere"), 422)
    assert body["errors"][0]["field"] == "target" and body["nodes"] == ["elsewhere"]
    assert_problem(start(mock_server, flow="[not json"), 422)


def test_invalid_requests_name_the_field(mock_server: ServerProcess) -> None:
    body = assert_problem(start(mock_server, flow=chain(), wait=301, colour="red"), 422)
    assert {e["field"] for e in body["errors"]} == {"wait", "colour"}
    body = assert_problem(start(mock_server, wait=1), 422)
    assert body["errors"][0]["field"] == "flow"
    body = assert_problem(start(mock_server, flow=chain(), inputs={"in#input-text": 3}), 422)
    assert body["errors"][0]["field"] == "inputs.in#input-text"
    not_json = requests.post(api(mock_server) + "/runs", data="{", headers={"Content-Type": "application/json"},
                             timeout=10)
    assert assert_problem(not_json, 400)["errors"][0]["field"] == "body"
    assert_problem(requests.post(api(mock_server) + "/runs", json=[1, 2], timeout=10), 400)


def test_oversize_flows_are_413(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(USE_MOCK="true", MAX_FLOW_SIZE_MB="0.01", MAX_FLOW_NODES="3")
    import json

    big = json.dumps(chain("x" * 20_000))
    assert "too large" in assert_problem(start(server, flow=big), 413)["detail"]
    many = [node(f"n{i}#input-text", "input-text", inputText="x") for i in range(5)]
    assert "too many nodes" in assert_problem(start(server, flow=many), 413)["detail"]
    huge = requests.post(api(server) + "/runs", data=b"{" + b" " * 1_200_000 + b"}",
                         headers={"Content-Type": "application/json"}, timeout=10)
    assert_problem(huge, 413)


def test_cli_user_agent_and_secrets_not_echoed(mock_server: ServerProcess) -> None:
    key = "sk-test-" + uuid.uuid4().hex
    response = requests.post(api(mock_server) + "/runs", json={"flow": chain(), "wait": 10,
                                                                "parameters": {"openai_api_key": key}},
                             headers={"User-Agent": "aiflow-cli/0.1"}, timeout=30)
    assert response.status_code == 200 and response.json()["startedBy"] == "cli"
    again = requests.get(f"{api(mock_server)}/runs/{response.json()['id']}", timeout=10)
    assert key not in response.text and key not in again.text


def test_access_token_guards_the_api(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(USE_MOCK="true", AUTH_TOKEN="secret-token-123456")
    assert_problem(requests.get(api(server) + "/runs", timeout=10), 401)
    assert_problem(requests.get(api(server) + "/runs", headers={"Host": "evil.example"}, timeout=10), 400)
    ok = requests.post(api(server) + "/runs", json={"flow": chain(), "wait": 10},
                       headers={"Authorization": "Bearer secret-token-123456"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["status"] == "succeeded"


def test_openapi_document_and_offline_docs_page(mock_server: ServerProcess) -> None:
    document = requests.get(api(mock_server) + "/openapi.json", timeout=10).json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/runs", "/api/v1/runs/{id}", "/api/v1/runs/{id}/cancel", "/api/v1/runs/{id}/events"} <= set(
        document["paths"])
    assert {"RunCreate", "RunDetail", "RunSummary", "Problem"} <= set(document["components"]["schemas"])
    page = requests.get(api(mock_server) + "/docs", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "http://" not in page.text and "https://" not in page.text and "//" not in page.text.replace("<!--", "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "docs.js"):
        response = requests.get(f"{api(mock_server)}/docs/{asset}", timeout=10)
        assert response.status_code == 200 and len(response.content) > 100, asset
    assert_problem(requests.get(api(mock_server) + "/docs/../../server.py", timeout=10), 404)
