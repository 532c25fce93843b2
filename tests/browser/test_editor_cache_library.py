"""Against the fake OpenAI server: the output cache seen in the editor (cached badge, Run fresh), the flow library
(Save to server, Open from server, an older version), and a stopped run leaving each node its partial text."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from app.testing.fakes.openai_api import reset_script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import node
from app.testing.server_process import ServerProcess
from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, LLM, text_llm_display

KEY = "sk-cache-test-5151"
CALLS = "/openai/v1/responses"
TEXT = "t1#input-text"
FIRST = "l1#llm-prompt"
LAST = "l2#llm-prompt"


@pytest.fixture(scope="module")
def server(real_server: ServerProcess) -> ServerProcess:
    return real_server


pytestmark = pytest.mark.usefixtures("clean_fake")


def two_prompts(last_prompt: str = "Make it shorter.") -> list[dict[str, Any]]:
    """input-text -> GPT -> GPT: the last prompt is the one a user tunes."""
    return [
        {**node(TEXT, "input-text", inputText="A harbour at dawn"), "x": 40, "y": 120},
        {**node(FIRST, "llm-prompt", [(TEXT, "context", 0)], model="gpt-4o-mini", prompt="Describe the context."),
         "x": 460, "y": 60},
        {**node(LAST, "llm-prompt", [(FIRST, "context", 0)], model="gpt-4o-mini", prompt=last_prompt),
         "x": 900, "y": 60},
    ]


def start(editor: Editor, flow: list[dict[str, Any]]) -> None:
    editor.open()
    editor.set_api_key("openai_api_key", KEY)
    editor.import_flow(flow)
    expect(editor.page.locator(".react-flow__node")).to_have_count(len(flow))


def run_and_wait(editor: Editor, names: list[str]) -> None:
    for name in names:
        expect(editor.status(name)).to_have_attribute("data-status", "done")
    editor.wait_idle()


def cached_badge(editor: Editor, name: str):  # type: ignore[no-untyped-def]
    return editor.page.get_by_test_id(f"node-cached-{name}")


def test_only_the_changed_node_runs_again_and_run_fresh_runs_them_all(editor: Editor, fake: FakeProviders) -> None:
    start(editor, two_prompts())
    editor.run_all()
    run_and_wait(editor, [TEXT, FIRST, LAST])
    assert len(fake.requests_to(CALLS)) == 2
    expect(editor.page.locator("[data-testid^='node-cached-']")).to_have_count(0)

    # the user tunes the last prompt and runs: only that node calls the provider, the first GPT is cached
    editor.field(LAST, "prompt").fill("Make it a single line.")
    fake.reset()
    editor.run_all()
    expect(cached_badge(editor, FIRST)).to_be_visible()
    run_and_wait(editor, [TEXT, FIRST, LAST])
    expect(cached_badge(editor, LAST)).to_have_count(0)
    assert len(fake.requests_to(CALLS)) == 1
    assert "single line" in json.dumps(fake.requests_to(CALLS)[0].json())
    # the badge's tooltip says when the output was computed (in the user's locale: it names the year)
    (served,) = [p for p in editor.received_events("progress") if p.get("cached") and p["instanceName"] == FIRST]
    assert served["cachedAt"][:4] in (cached_badge(editor, FIRST).get_attribute("title") or "")
    assert [p["useCache"] for p in editor.sent_events("process_file")] == [True, True]

    # Run fresh (the menu beside Run): every node runs, none is shown cached
    fake.reset()
    fake.stream_delay = 0.05  # between chunks: a run long enough to be seen going
    editor.page.get_by_test_id("run-menu-toggle").click()
    editor.page.get_by_test_id("run-fresh").click()
    editor.wait_sent("process_file", 3)  # sent: its nodes are queued from then on, not shown done
    run_and_wait(editor, [TEXT, FIRST, LAST])
    expect(editor.page.locator("[data-testid^='node-cached-']")).to_have_count(0)
    assert len(fake.requests_to(CALLS)) == 2
    assert editor.sent_events("process_file")[-1]["useCache"] is False

    # a node's own Run fresh (its toolbar) bypasses the cache for it and the ancestors it needs
    fake.reset()
    fake.stream_delay = 0.05
    editor.node(LAST).locator(".node-title").click()
    editor.page.get_by_test_id(f"node-toolbar-{LAST}").get_by_test_id("node-action-run-fresh").click()
    (single,) = editor.wait_sent("run_node", 1)
    expect(editor.status(LAST)).to_have_attribute("data-status", "done")
    editor.wait_idle()
    assert single["nodeName"] == LAST and single["useCache"] is False
    assert len(fake.requests_to(CALLS)) == 1
    expect(cached_badge(editor, LAST)).to_have_count(0)
    assert editor.console_errors == []


def server_json(editor: Editor, path: str) -> Any:
    with urllib.request.urlopen(editor.server.url + path, timeout=10) as answer:  # loopback only
        return json.load(answer)


def test_save_to_server_twice_and_open_version_one_in_a_new_tab(editor: Editor) -> None:
    start(editor, text_llm_display(text="The first draft"))
    page = editor.page
    page.get_by_test_id("tab-rename-0").click()
    page.get_by_test_id("tab-name-input-0").fill("Harbour poem")
    page.get_by_test_id("tab-name-input-0").press("Enter")

    editor.open_json_pane()
    page.get_by_test_id("save-to-server").click()
    expect(page.get_by_test_id("server-flow")).to_contain_text("version 1")
    (saved,) = server_json(editor, "/api/v1/flows")["flows"]
    assert saved["name"] == "Harbour poem" and saved["latestVersion"] == 1

    editor.field("t1#input-text", "inputText").fill("The second draft")
    page.get_by_test_id("save-to-server").click()
    expect(page.get_by_test_id("server-flow")).to_contain_text("version 2")
    latest = server_json(editor, f"/api/v1/flows/{saved['id']}")
    assert latest["latestVersion"] == 2 and sorted(v["version"] for v in latest["versions"]) == [1, 2]
    assert "outputData" not in json.dumps(latest["flow"])

    page.get_by_test_id("open-from-server").click()
    library = page.get_by_test_id("flow-library")
    expect(library.get_by_test_id(f"library-name-{saved['id']}")).to_have_text("Harbour poem")
    expect(library.get_by_test_id(f"library-versions-{saved['id']}")).to_contain_text("2")
    library.get_by_test_id(f"library-version-{saved['id']}").select_option("1")
    library.get_by_test_id(f"library-open-{saved['id']}").click()
    expect(library).to_have_count(0)

    # a second tab, shown, holding version 1: the old text, the same nodes and links
    expect(page.get_by_test_id("tab-1")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("tab-1")).to_contain_text("Harbour poem (v1)")
    expect(editor.field("t1#input-text", "inputText")).to_have_value("The first draft")
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    expect(page.get_by_test_id("server-flow")).to_contain_text("version 1")
    page.get_by_test_id("tab-0").click()
    expect(editor.field("t1#input-text", "inputText")).to_have_value("The second draft")

    # rename, then delete from the library
    page.get_by_test_id("open-from-server").click()
    library.get_by_test_id(f"library-rename-{saved['id']}").click()
    library.get_by_test_id(f"library-rename-input-{saved['id']}").fill("Harbour haiku")
    library.get_by_test_id(f"library-rename-input-{saved['id']}").press("Enter")
    expect(library.get_by_test_id(f"library-name-{saved['id']}")).to_have_text("Harbour haiku")
    library.get_by_test_id(f"library-delete-{saved['id']}").click()
    library.get_by_test_id(f"library-delete-confirm-{saved['id']}").click()
    expect(library.get_by_test_id("library-empty")).to_be_visible()
    assert server_json(editor, "/api/v1/flows")["flows"] == []
    assert editor.console_errors == []


ANSWER_ONE = "Gulls over the quay, nets drying in the first light, a bell from the old church."
ANSWER_TWO = ("Fog rolls across the harbour wall, the ferry horn calls twice, and somewhere a radio plays "
              "an old song about leaving and coming back with the evening tide.")


def test_stopping_leaves_the_partial_text_never_the_previous_answer(editor: Editor, fake: FakeProviders) -> None:
    script = reset_script(fake)
    script.answer = ANSWER_ONE
    start(editor, text_llm_display())
    editor.run_all()
    expect(editor.output(LLM)).to_contain_text(ANSWER_ONE)
    editor.wait_idle()
    expect(editor.output(LLM)).to_have_attribute("data-look", "current")

    # the next run streams slowly; before its first words the old answer is shown as not current
    script.answer = ANSWER_TWO
    script.pace = 0.25
    fake.stream_delay = 0.3
    editor.page.get_by_test_id("run-menu-toggle").click()
    editor.page.get_by_test_id("run-fresh").click()
    expect(editor.output(LLM)).to_have_attribute("data-look", "stale")
    expect(editor.output(DISPLAY)).to_have_attribute("data-look", "stale")
    expect(editor.output(LLM)).to_contain_text("Fog rolls", timeout=15_000)
    expect(editor.output(LLM)).to_have_attribute("data-look", "streaming")

    editor.page.get_by_test_id("stop-run").click()
    expect(editor.status(LLM)).to_have_attribute("data-status", "cancelled")
    editor.wait_idle()
    output = editor.output(LLM)
    expect(output).to_have_attribute("data-look", "partial")
    expect(editor.page.get_by_test_id(f"node-partial-{LLM}")).to_be_visible()
    text = output.inner_text()
    assert "Fog rolls" in text and ANSWER_ONE not in text and "evening tide" not in text
    # the display never got the new answer: it still shows the old one, dimmed as an earlier run's
    expect(editor.output(DISPLAY)).to_have_attribute("data-look", "stale")

    # after a reload the node still shows what it had when stopped
    editor.reload()
    expect(editor.output(LLM)).to_have_attribute("data-look", "partial")
    assert "Fog rolls" in editor.output(LLM).inner_text()
    assert editor.console_errors == []
