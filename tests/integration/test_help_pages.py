"""The editor's help pages (/help/<page>.md and /help/<page>): a fixed list of docs/ pages, nothing else of the
disk, under the same Host and token checks as every route; every node type of the catalogue has its section."""

from __future__ import annotations

import http.client
import re
from typing import Callable

import pytest
import requests

from app.web.routes.help_pages import PAGES
from app.testing.server_process import ROOT, ServerProcess


def get(server: ServerProcess, path: str, **kwargs: object) -> requests.Response:
    return requests.get(server.url + path, timeout=10, **kwargs)  # type: ignore[arg-type]


def raw_get(server: ServerProcess, path: str) -> tuple[int, str, bytes]:
    """A GET with the path sent exactly as written (requests and urllib3 would normalise `..`)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{server.port}"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_is_served_as_markdown_and_as_html(mock_server: ServerProcess, name: str) -> None:
    source = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
    markdown = get(mock_server, f"/help/{name}.md")
    assert markdown.status_code == 200
    assert markdown.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert markdown.text == source
    assert markdown.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in markdown.headers["Content-Security-Policy"]

    page = get(mock_server, f"/help/{name}")
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"<title>{PAGES[name]} · AI-Flow</title>" in page.text
    assert "<h1 id=" in page.text and "<script" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_links_between_help_pages_lead_to_their_html(mock_server: ServerProcess) -> None:
    guide = get(mock_server, "/help/guide").text
    assert 'href="/help/nodes"' in guide
    assert 'href="/api/v1/docs"' in guide
    nodes = get(mock_server, "/help/nodes").text
    assert 'href="#llm-prompt"' in nodes and 'id="llm-prompt"' in nodes


def test_every_node_type_of_the_catalogue_has_its_section(mock_server: ServerProcess) -> None:
    types = get(mock_server, "/node/configs").json()["types"]
    assert len(types) >= 20
    anchors = set(re.findall(r'<h[1-6] id="([^"]+)"', get(mock_server, "/help/nodes").text))
    assert sorted(set(types) - anchors) == []
    # the editor's built-in types are documented too
    assert {"file", "replicate", "transition", "display", "ai-data-splitter"} <= anchors


@pytest.mark.parametrize("path", [
    "/help/architecture.md", "/help/ui.md", "/help/benchmarks", "/help/README.md", "/help/Guide.md",
    "/help/guide.md.bak", "/help/guide.txt", "/help/screenshots", "/help/nodes.markdown", "/help/.md",
])
def test_pages_off_the_list_are_404(mock_server: ServerProcess, path: str) -> None:
    response = get(mock_server, path)
    assert response.status_code == 404, path
    assert response.headers["Content-Type"].startswith("application/json")
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", [
    "/help/../README.md", "/help/../../etc/passwd", "/help/..%2FREADME.md", "/help/%2e%2e%2fREADME.md",
    "/help/..%2F..%2Fetc%2Fpasswd", "/help/%2e%2e/app/settings.py", "/help/..%5CREADME.md",
    "/help/nodes.md%00.md", "/help/%2Fetc%2Fpasswd",
])
def test_no_path_leaves_the_list(mock_server: ServerProcess, path: str) -> None:
    status, content_type, body = raw_get(mock_server, path)
    assert status in (200, 400, 404), (path, status)
    if status == 200:  # what is not a help page may be the editor's single-page-app fallback, never a file
        assert content_type.startswith("text/html") and b"<title>AI-Flow</title>" in body, path
    for secret in (b"root:", b"AI-Flow Next", b"PROJECT_ROOT", b"# Node types"):
        assert secret not in body, path


def test_a_foreign_host_is_refused(mock_server: ServerProcess) -> None:
    response = get(mock_server, "/help/guide.md", headers={"Host": f"evil.example:{mock_server.port}"})
    assert response.status_code == 400 and "Getting started" not in response.text


def test_the_access_token_guards_the_help_too(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server(USE_MOCK="true", AUTH_TOKEN="help-token-0123456789")
    assert get(server, "/help/guide.md").status_code == 401
    allowed = get(server, "/help/guide.md", headers={"Authorization": "Bearer help-token-0123456789"})
    assert allowed.status_code == 200 and allowed.text.startswith("# Getting started")
