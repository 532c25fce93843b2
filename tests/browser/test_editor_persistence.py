"""What the editor keeps: the JSON pane's import/export round trip, tabs across a reload."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, LLM, TEXT, text_llm_display


def essentials(flow: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What must survive an export: identity, values, inputs, position (not config or run data)."""
    keep = ("processorType", "inputText", "prompt", "model", "x", "y")
    return {n["name"]: {**{k: n[k] for k in keep if k in n},
                        "inputs": [(i["inputNode"], i.get("inputName"), i.get("inputNodeOutputKey", 0))
                                   for i in n["inputs"]]}
            for n in flow}


def test_json_import_export_round_trip(editor: Editor) -> None:
    editor.open()
    original = text_llm_display("Fog over the harbour")
    editor.import_flow(original)
    page = editor.page
    expect(page.locator(".react-flow__node")).to_have_count(3)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    expect(editor.field(TEXT, "inputText")).to_have_value("Fog over the harbour")
    expect(editor.field(LLM, "prompt")).to_have_value("Write a haiku about the context.")

    exported = editor.export_flow()
    assert essentials(exported) == essentials(original)
    assert [n["name"] for n in exported] == [TEXT, LLM, DISPLAY]  # parents first

    # an edit shows up in the next export; re-importing an export gives the same flow back
    editor.field(TEXT, "inputText").fill("Rain on the pier")
    page.get_by_test_id("json-delete-all").click()
    expect(page.locator(".react-flow__node")).to_have_count(0)
    editor.import_flow(exported)
    expect(editor.field(TEXT, "inputText")).to_have_value("Fog over the harbour")
    again = editor.export_flow()
    assert essentials(again) == essentials(exported)
    assert editor.console_errors == []


def test_tabs_survive_a_reload(editor: Editor) -> None:
    editor.open()
    page = editor.page
    editor.import_flow(text_llm_display("First tab text"))
    expect(page.locator(".react-flow__node")).to_have_count(3)

    page.get_by_test_id("tab-add").click()
    expect(page.get_by_test_id("tab-1")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".react-flow__node")).to_have_count(0)
    page.get_by_test_id("tab-rename-1").click()
    page.get_by_test_id("tab-name-input-1").fill("Second flow")
    page.get_by_test_id("tab-name-input-1").press("Enter")
    name = editor.drag_from_palette("input-text", editor.canvas_point(0.3, 0.3))
    editor.field(name, "inputText").fill("Second tab text")

    # autosave is debounced: wait until the last edit is in localStorage, then reload
    page.wait_for_function("""() => {
        const saved = JSON.parse(localStorage.getItem('flowTabs') || '{}');
        return saved.tabs?.length === 2 && JSON.stringify(saved.tabs[1]).includes('Second tab text')
            && localStorage.getItem('currentTab') === '1';
    }""")
    editor.reload()

    expect(page.get_by_test_id("tab-1")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("tab-1")).to_contain_text("Second flow")
    expect(editor.field(name, "inputText")).to_have_value("Second tab text")
    page.get_by_test_id("tab-0").click()
    expect(page.locator(".react-flow__node")).to_have_count(3)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    expect(editor.field(TEXT, "inputText")).to_have_value("First tab text")
    assert editor.console_errors == []
