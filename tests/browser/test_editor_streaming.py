"""Against the fake OpenAI server: streamed text grows on the node; key errors land on the node, key-free."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.testing.fakes.openai_api import reset_script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.server_process import ServerProcess
from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, LLM, text_llm_display
from tests.browser.screenshots import save_screenshot

KEY = "sk-stream-test-4242"
ANSWER = ("Salt wind on the quay, gulls argue over the nets, "
          "the lamp keeps its watch until the tide comes home again.")


@pytest.fixture(scope="module")
def server(real_server: ServerProcess) -> ServerProcess:
    return real_server


pytestmark = pytest.mark.usefixtures("clean_fake")


def test_streamed_output_grows_on_the_node(editor: Editor, fake: FakeProviders) -> None:
    script = reset_script(fake)
    script.answer = ANSWER
    script.pace = 0.12  # about 2.5 s for the whole answer
    editor.open()
    editor.set_api_key("openai_api_key", KEY)
    editor.import_flow(text_llm_display())
    editor.run_all()

    # part of the answer is on the node while it still runs
    partial = editor.page.wait_for_function(
        """([name, first, last]) => {
            const out = document.querySelector(`[data-testid="node-output-${name}"]`);
            const status = document.querySelector(`[data-testid="node-status-${name}"]`);
            const text = out ? out.innerText : "";
            return status?.dataset.status === "running" && text.includes(first) && !text.includes(last)
                ? text : false;
        }""", arg=[LLM, "Salt wind", "home again."], timeout=10_000).json_value()
    assert 0 < len(partial) < len(ANSWER)

    expect(editor.status(LLM)).to_have_attribute("data-status", "done")
    expect(editor.output(LLM)).to_contain_text(ANSWER)
    expect(editor.output(DISPLAY)).to_contain_text(ANSWER)
    partials = [p for p in editor.received_events("progress") if p.get("instanceName") == LLM and not p.get("isDone")]
    assert len(partials) >= 2, "the answer did not arrive in several pieces"

    (call,) = fake.requests_to("/openai/v1/responses")
    assert call.headers.get("Authorization") == f"Bearer {KEY}"
    assert call.json()["stream"] is True
    assert editor.console_errors == []

    # for the README, in the light theme: the whole flow, nothing selected
    page = editor.page
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.get_by_test_id("side-pane-toggle").click()
    expect(page.get_by_test_id("side-pane")).to_have_count(0)
    editor.hide_palette()
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    editor.fit_view()
    save_screenshot(page, "editor-run.png")


def test_a_missing_or_bad_key_fails_on_the_node_without_showing_the_key(editor: Editor,
                                                                        fake: FakeProviders) -> None:
    editor.open()
    editor.import_flow(text_llm_display("Without a key"))  # a flow the output cache has not seen (keys are no part of its key)
    editor.run_all()
    expect(editor.status(LLM)).to_have_attribute("data-status", "failed")
    expect(editor.error(LLM)).to_contain_text(re.compile("key", re.IGNORECASE))
    editor.wait_idle()
    assert fake.requests_to("/openai/v1/responses") == []

    bad = "bad-key-do-not-echo-77"
    editor.set_api_key("openai_api_key", bad)
    editor.run_all()
    expect(editor.status(LLM)).to_have_attribute("data-status", "failed")
    error = editor.error(LLM).inner_text()
    assert error and bad not in error and "Traceback" not in error
    assert bad not in editor.page.locator("#main-content").inner_text()
    assert len(fake.requests_to("/openai/v1/responses")) >= 1
