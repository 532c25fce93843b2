"""The editor boots cleanly, and a flow built with the mouse runs against the real server (mock mode)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.editor import Editor
from tests.browser.screenshots import save_screenshot


def test_editor_loads_without_console_errors(editor: Editor) -> None:
    editor.open(intro=True)
    page = editor.page
    # the first-visit sample, drawn with the node types the server lists
    expect(editor.nodes_of_type("llm-prompt")).to_have_count(1)
    expect(editor.nodes_of_type("input-text")).to_have_count(1)
    expect(page.locator(".react-flow__edge")).to_have_count(1)
    # core and extension nodes in the palette (extensions come from the server)
    palette = page.get_by_test_id("palette")
    for label in ("Text", "Web Extractor", "File", "Document-to-Text", "Display"):
        expect(palette.get_by_text(label, exact=True).first).to_be_visible()
    expect(palette.get_by_text("AI Action")).to_have_count(0)
    expect(page.get_by_test_id("run-all")).to_be_enabled()
    assert editor.console_errors == []


def test_build_a_flow_with_the_mouse_and_run_it(editor: Editor) -> None:
    editor.open()
    page = editor.page
    expect(page.locator(".react-flow__node")).to_have_count(0)

    # each node dropped next to the previous one, as a person would
    text = editor.drag_from_palette("input-text", editor.canvas_point(0.1, 0.1))
    llm = editor.drag_from_palette("llm-prompt", editor.right_of(text))
    display = editor.drag_from_palette("display", editor.below(text))
    assert text.endswith("#input-text") and llm.endswith("#llm-prompt") and display.endswith("#display")
    editor.hide_palette()
    editor.fit_view()

    editor.connect(editor.handle(text, "handle-out-0"), editor.field_handle(llm, "context"))
    editor.connect(editor.handle(text, "handle-out-0"), editor.handle(display, "handle-in-0"))
    # a linked field hides its widget
    expect(editor.field(llm, "context")).to_have_count(0)

    editor.field(text, "inputText").fill("A lighthouse keeper's first winter")
    editor.field(llm, "prompt").fill("Write a two-line poem about the context.")

    editor.run_all()
    for name in (text, llm, display):
        expect(editor.status(name)).to_have_attribute("data-status", "done")
    # the display node shows exactly what was typed; the (mocked) model answered
    expect(editor.output(display)).to_contain_text("A lighthouse keeper's first winter")
    expect(editor.output(llm)).to_contain_text(re.compile(r"\S"))
    editor.wait_idle()

    # the run the page sent carries the built graph
    (run,) = editor.sent_events("process_file")
    flow = {n["name"]: n for n in json.loads(run["jsonFile"])}
    assert flow[llm]["inputs"] == [{"inputNode": text, "inputNodeOutputKey": 0, "inputName": "context"}]
    assert flow[display]["inputs"][0]["inputNode"] == text
    assert flow[text]["inputText"] == "A lighthouse keeper's first winter"
    assert editor.console_errors == []

    # for the README: tidy layout, nothing selected, everything in sight
    page.get_by_test_id("auto-layout").click()
    page.get_by_test_id("palette-toggle").click()
    page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    editor.fit_view()
    for _ in range(2):  # two steps back: the minimap's corner stays clear of the nodes
        page.locator(".react-flow__controls-zoomout").click()
        editor.wait_viewport_still()
    save_screenshot(page, "editor-dark.png")
