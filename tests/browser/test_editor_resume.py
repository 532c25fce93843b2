"""Against the fake OpenAI server: a run survives a reload of the editor, which joins it again and shows it
going on to the same final text, nothing lost or doubled."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from app.testing.fakes.openai_api import reset_script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.server_process import ServerProcess
from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, LLM, text_llm_display

KEY = "sk-resume-test-5151"
ANSWER = ("Salt wind on the quay, gulls argue over the nets, "
          "the lamp keeps its watch until the tide comes home again.")
PARTIAL_ON_SCREEN = """([name, first, last]) => {
    const out = document.querySelector(`[data-testid="node-output-${name}"]`);
    const status = document.querySelector(`[data-testid="node-status-${name}"]`);
    const text = out ? out.innerText : "";
    return status?.dataset.status === "running" && text.includes(first) && !text.includes(last) ? text : false;
}"""


@pytest.fixture(scope="module")
def server(real_server: ServerProcess) -> ServerProcess:
    return real_server


pytestmark = pytest.mark.usefixtures("clean_fake")


def run_events(received: list[tuple[str, Any]], run_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(name, payload) for name, payload in received
            if isinstance(payload, dict) and payload.get("runId") == run_id]


def test_a_reload_in_the_middle_of_a_stream_shows_the_run_going_on_to_the_same_text(editor: Editor,
                                                                                     fake: FakeProviders) -> None:
    script = reset_script(fake)
    script.answer = ANSWER
    script.pace = 0.3  # about 6 s for the whole answer
    editor.open()
    editor.set_api_key("openai_api_key", KEY)
    editor.import_flow(text_llm_display())
    editor.run_all()
    editor.page.wait_for_function(PARTIAL_ON_SCREEN, arg=[LLM, "Salt wind", "home again."], timeout=10_000)

    (started,) = editor.sent_events("process_file")
    run_id = started["runId"]
    assert re.fullmatch(r"[0-9a-f]{32}", run_id)
    seen_before = len(editor.received)

    editor.reload()
    assert started["flowId"] == editor.local_storage("flowTabs")["tabs"][0]["id"]  # the tab's id
    assert editor.sent_events("join_run") == [{"runId": run_id, "afterSeq": 0}]
    # the run is still going on screen, its text grown from what came before the reload
    editor.page.wait_for_function(PARTIAL_ON_SCREEN, arg=[LLM, "Salt wind", "home again."], timeout=10_000)
    expect(editor.status(LLM)).to_have_attribute("data-status", "done", timeout=20_000)
    assert editor.output(LLM).inner_text().strip() == ANSWER
    expect(editor.output(DISPLAY)).to_contain_text(ANSWER)
    expect(editor.page.get_by_test_id("stop-run")).to_have_count(0)

    # the reloaded page got the whole run once, in order: every seq from 1 to its run_end
    after = run_events(editor.received[seen_before:], run_id)
    assert after[-1][0] == "run_end" and after[-1][1]["status"] == "completed"
    assert [payload["seq"] for _, payload in after] == list(range(1, len(after) + 1))
    # the run was joined, not started again: one call to the provider
    assert len(fake.requests_to("/openai/v1/responses")) == 1
    assert editor.sent_events("process_file") == [started]
    assert editor.console_errors == []


def test_a_dropped_connection_in_the_middle_of_a_stream_joins_after_the_last_event_seen(editor: Editor,
                                                                                        fake: FakeProviders) -> None:
    sockets: list[Any] = []

    def through(ws: Any) -> None:  # every Socket.IO websocket passes through, so the test can cut it
        sockets.append((ws, ws.connect_to_server()))

    editor.page.route_web_socket(re.compile(r"/socket\.io/"), through)
    script = reset_script(fake)
    script.answer = ANSWER
    script.pace = 0.3
    editor.open()
    editor.set_api_key("openai_api_key", KEY)
    editor.import_flow(text_llm_display("A dropped connection mid-stream"))  # a flow the cache has not seen
    editor.run_all()
    editor.page.wait_for_function(PARTIAL_ON_SCREEN, arg=[LLM, "Salt wind", "home again."], timeout=10_000)
    (started,) = editor.sent_events("process_file")
    run_id = started["runId"]

    page_side, server_side = sockets[-1]
    seen = [p["seq"] for _, p in run_events(editor.received, run_id)]
    server_side.close()
    page_side.close()
    expect(editor.status(LLM)).to_have_attribute("data-status", "done", timeout=20_000)
    (join,) = editor.sent_events("join_run")
    assert join["runId"] == run_id and join["afterSeq"] >= max(seen) > 0
    # over both connections the page got every event of the run once, in order
    seqs = [p["seq"] for _, p in run_events(editor.received, run_id)]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > len(seen)
    assert editor.output(LLM).inner_text().strip() == ANSWER
    expect(editor.output(DISPLAY)).to_contain_text(ANSWER)
    assert len(fake.requests_to("/openai/v1/responses")) == 1
    assert editor.console_errors == []


def test_the_history_pane_lists_the_run_opens_its_outputs_and_runs_it_again(editor: Editor,
                                                                             fake: FakeProviders) -> None:
    reset_script(fake).answer = ANSWER
    editor.open()
    editor.set_api_key("openai_api_key", KEY)
    editor.import_flow(text_llm_display("A run for the history pane"))  # a flow the cache has not seen
    editor.run_all()
    expect(editor.status(LLM)).to_have_attribute("data-status", "done")
    editor.wait_idle()
    (started,) = editor.sent_events("process_file")
    run_id = started["runId"]

    page = editor.page
    page.get_by_test_id("side-tab-history").click()
    row = page.get_by_test_id(f"history-run-{run_id}")
    expect(row).to_have_attribute("data-status", "succeeded")
    expect(row).to_contain_text("Started from the editor")
    expect(page.locator("[data-testid^=history-run-]")).to_have_count(1)

    # the outputs cleared, opening the run puts them back on the canvas
    page.get_by_test_id("side-tab-json").click()
    page.get_by_test_id("json-clear-outputs").click()
    expect(editor.status(LLM)).to_have_attribute("data-status", "idle")
    expect(editor.output(DISPLAY)).not_to_contain_text(ANSWER)
    page.get_by_test_id("side-tab-history").click()
    page.get_by_test_id(f"history-open-{run_id}").click()
    expect(editor.status(LLM)).to_have_attribute("data-status", "done")
    expect(editor.output(DISPLAY)).to_contain_text(ANSWER)
    assert editor.output(LLM).inner_text().strip() == ANSWER

    # run again: the same flow goes to the server, for this tab, and the list shows both runs
    page.get_by_test_id(f"history-rerun-{run_id}").click()
    expect(page.locator("[data-testid^=history-run-]")).to_have_count(2)
    again = editor.sent_events("process_file")[1]
    assert again["runId"] != run_id and again["flowId"] == started["flowId"]
    assert again["jsonFile"] == started["jsonFile"] or json.loads(again["jsonFile"]) == json.loads(started["jsonFile"])
    editor.wait_idle()
    expect(page.get_by_test_id(f"history-run-{again['runId']}")).to_have_attribute("data-status", "succeeded")
    assert len(fake.requests_to("/openai/v1/responses")) == 2
    assert editor.console_errors == []
