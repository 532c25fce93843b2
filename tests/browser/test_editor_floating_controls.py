"""Floating controls (help/settings buttons, minimap, node toolbar, toasts) never cover their own content or a dialog."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.editor import Editor


def box(locator: Locator) -> dict[str, float]:
    expect(locator).to_be_visible()
    found = locator.bounding_box()
    assert found
    return found


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def buttons(page: Page) -> list[dict[str, float]]:
    return [box(page.get_by_test_id("open-help")), box(page.get_by_test_id("open-settings"))]


def test_help_and_settings_buttons_leave_the_minimap_and_the_side_pane_free(editor: Editor) -> None:
    page = editor.open(intro=True).page
    minimap = box(page.locator(".react-flow__minimap"))
    assert not any(overlap(b, minimap) for b in buttons(page))
    page.get_by_test_id("side-pane-toggle").click()
    pane = box(page.get_by_test_id("side-pane"))
    assert not any(overlap(b, pane) for b in buttons(page))
    assert not overlap(box(page.locator(".react-flow__minimap")), pane)


def test_the_node_toolbar_does_not_cover_its_node(editor: Editor) -> None:
    page = editor.open(intro=True).page
    name = editor.node_names()[0]
    editor.node(name).locator(".node-title").click()
    toolbar = box(page.get_by_test_id(f"node-toolbar-{name}"))
    assert not overlap(toolbar, box(editor.node(name)))


def test_a_toast_shows_above_an_open_dialog_not_over_it(editor: Editor) -> None:
    page = editor.open().page
    page.set_viewport_size({"width": 1024, "height": 640})  # a dialog that takes most of the height
    page.get_by_test_id("open-settings").click()
    dialog = page.get_by_test_id("settings-modal")
    page.get_by_test_id("settings-tab-app").click()
    # sending server parameters from the editor is refused by this server: the answer is a toast, dialog still open
    dialog.locator("input.input").first.fill("my-bucket")
    dialog.get_by_role("button", name="Send to server").click()
    toast = page.locator("[data-testid^=toast-]").first
    expect(toast).to_be_visible()
    assert not overlap(box(toast), box(dialog))
    # the dialog stays whole on screen, and a click on the toast reaches the toast
    dialog_box, size = box(dialog), page.viewport_size
    assert size and dialog_box["y"] >= 0 and dialog_box["y"] + dialog_box["height"] <= size["height"]
    toast.get_by_role("button").click()
    expect(page.locator("[data-testid^=toast-]")).to_have_count(0)
    expect(dialog).to_be_visible()
    # with the dialog closed, toasts are back at the top of the page
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    editor.palette_item("input-text").press("Enter")  # an empty text: running says a field is missing
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("toast-error")).to_be_visible()
    assert box(page.get_by_test_id("toast-error"))["y"] < 200
