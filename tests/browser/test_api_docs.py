"""The run API's docs page in chromium: Swagger UI renders every operation under the editor's CSP, offline
(every request stays on the server's own origin), and its "Try it out" reaches the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Playwright, expect

from app.testing.server_process import ServerProcess
from app.web.api.openapi import document
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess({"USE_MOCK": "true"}, tmp_path_factory.mktemp("docs"))
    yield server
    server.stop()


def test_docs_page_renders_offline_under_the_csp(playwright_session: Playwright, docs_server: ServerProcess) -> None:
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        elsewhere: list[str] = []
        problems: list[str] = []
        page.on("request", lambda req: None if req.url.startswith((docs_server.url, "data:", "blob:"))
                else elsewhere.append(req.url))
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(docs_server.url + "/api/v1/docs")
        operations = sum(1 for item in document()["paths"].values() for key in item if key != "parameters")
        expect(page.locator(".opblock")).to_have_count(operations)  # every operation of the document, drawn
        expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/v1/runs")
        page.locator(".opblock-get .opblock-summary").first.click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text("200")
        assert not elsewhere, elsewhere
        assert not [text for text in problems if "Content Security Policy" in text or "Refused" in text], problems
    finally:
        browser.close()
