"""Replicate without a key (mock server, no REPLICATE_API_KEY): no request or toast on load, the way to add the key instead."""

from __future__ import annotations

from playwright.sync_api import Request, expect

from tests.browser.editor import Editor

MODEL = "black-forest-labs/flux-kontext-pro"  # one of the shortcuts shown without a search


def replicate_requests(editor: Editor) -> list[str]:
    seen: list[str] = []

    def record(request: Request) -> None:
        if "/node/replicate" in request.url or "/node/models" in request.url or "/node/collections" in request.url:
            seen.append(request.url)

    editor.page.on("request", record)
    return seen


def test_a_saved_replicate_node_in_another_tab_stays_quiet_on_load(editor: Editor) -> None:
    page = editor.page
    seen = replicate_requests(editor)
    editor.open()
    # a second tab gets a Replicate shortcut: added now, it tries its model once and says a key is needed
    page.get_by_test_id("tab-add").click()
    expect(page.get_by_test_id("tab-1")).to_have_attribute("aria-selected", "true")
    page.get_by_test_id(f"palette-shortcut-{MODEL}").press("Enter")
    (name,) = editor.node_names()
    missing = page.get_by_test_id(f"replicate-key-missing-{name}")
    expect(missing).to_contain_text("Settings → API keys")
    assert len(seen) == 1, seen
    expect(page.get_by_test_id("toast-error")).to_have_count(0)

    # back on the first tab, reload: nothing is asked and nothing pops up, neither on load nor on opening the tab
    page.get_by_test_id("tab-0").click()
    seen.clear()
    editor.reload()
    page.get_by_test_id("tab-1").click()
    expect(editor.node(name)).to_be_visible()
    expect(page.get_by_test_id(f"replicate-model-{name}")).to_have_value(MODEL)  # ready to load once the key is there
    page.wait_for_load_state("networkidle")
    assert seen == []
    expect(page.get_by_test_id("toast-error")).to_have_count(0)
    expect(page.get_by_test_id("toast-info")).to_have_count(0)


def test_the_model_picker_says_where_to_add_the_key(editor: Editor) -> None:
    page = editor.page
    editor.open()
    editor.palette_item("replicate").press("Enter")
    (name,) = editor.node_names()
    page.get_by_test_id(f"replicate-pick-{name}").click()
    picker = page.get_by_test_id("replicate-picker")
    message = picker.get_by_test_id("replicate-picker-key-missing")
    expect(message).to_contain_text("Add your Replicate API key in Settings → API keys")
    expect(picker.locator(".model-grid")).to_have_count(0)  # no empty catalogue
    expect(page.get_by_test_id("toast-error")).to_have_count(0)
    message.get_by_role("button").click()
    expect(picker).to_have_count(0)
    expect(page.get_by_test_id("setting-replicate_api_key")).to_be_visible()
