"""Run states on the nodes: a failing node shows its own error, Stop cancels a long run (mock mode)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, LLM, TEXT, text_llm_display


def test_a_failing_node_shows_its_error(editor: Editor) -> None:
    editor.open()
    editor.import_flow(text_llm_display(raiseError=True))
    expect(editor.page.locator(".react-flow__node")).to_have_count(3)
    editor.run_all()

    expect(editor.status(LLM)).to_have_attribute("data-status", "failed")
    expect(editor.error(LLM)).to_have_text("Mock Processor error")
    expect(editor.status(TEXT)).to_have_attribute("data-status", "done")
    editor.wait_idle()
    # the error stays on its node: no other node shows one, the child never ran
    expect(editor.page.locator("[data-testid^='node-error-']")).to_have_count(1)
    expect(editor.status(DISPLAY)).not_to_have_attribute("data-status", "done")
    expect(editor.output(DISPLAY).locator(".display-empty")).to_be_visible()
    (end,) = editor.received_events("run_end")
    assert end["cancelled"] is False and "Traceback" not in str(end)


def test_stop_cancels_a_long_run(editor: Editor) -> None:
    editor.open()
    editor.import_flow(text_llm_display(sleepDuration=60))
    editor.run_all()
    expect(editor.status(LLM)).to_have_attribute("data-status", "running")
    stop = editor.page.get_by_test_id("stop-run")
    expect(stop).to_be_visible()

    stop.click()
    expect(editor.status(LLM)).to_have_attribute("data-status", "cancelled", timeout=5_000)
    expect(editor.status(DISPLAY)).not_to_have_attribute("data-status", "done")
    editor.wait_idle(timeout=5_000)
    expect(editor.output(LLM)).to_have_count(0)

    (run,) = editor.sent_events("process_file")
    (cancel,) = editor.sent_events("cancel_run")
    assert cancel["runId"] == run["runId"]
    (end,) = editor.received_events("run_end")
    assert end["runId"] == run["runId"] and end["cancelled"] is True
    assert editor.console_errors == []


def test_keyboard_runs_and_stops(editor: Editor) -> None:
    editor.open()
    editor.import_flow(text_llm_display(sleepDuration=60))
    page = editor.page
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})  # focus on the canvas, not a field
    page.keyboard.press("Control+Enter")
    expect(editor.status(LLM)).to_have_attribute("data-status", "running")
    page.keyboard.press("Escape")
    expect(editor.status(LLM)).to_have_attribute("data-status", "cancelled", timeout=5_000)
    editor.wait_idle(timeout=5_000)
    assert len(editor.sent_events("process_file")) == 1 and len(editor.sent_events("cancel_run")) == 1
