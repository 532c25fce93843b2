"""Moving a node's handles to another side (hover a handle, pick an arrow): drawn there, kept in the flow JSON,
through export, import, reload and undo (mock mode)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, TEXT, text_llm_display


def move_handle(editor: Editor, node: str, handle_id: str, side: str) -> None:
    editor.handle(node, handle_id).hover()
    picker = editor.node(node).get_by_test_id(f"handle-sides-{handle_id}")
    expect(picker).to_be_visible()
    picker.get_by_test_id(f"handle-side-{side}").click()
    expect(editor.handle(node, handle_id)).to_have_class(re.compile(rf"\breact-flow__handle-{side}\b"))


def on_edge(editor: Editor, node: str, handle_id: str) -> str:
    """Which edge of its node's card a handle sits on."""
    handle, card = editor.handle(node, handle_id).bounding_box(), editor.node(node).bounding_box()
    assert handle and card
    cx, cy = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    distances = {"left": abs(cx - card["x"]), "right": abs(cx - card["x"] - card["width"]),
                 "top": abs(cy - card["y"]), "bottom": abs(cy - card["y"] - card["height"])}
    return min(distances, key=distances.__getitem__)


def test_handles_move_to_another_side_and_stay_there(editor: Editor) -> None:
    editor.open()
    editor.hide_palette()
    editor.import_flow(text_llm_display())
    editor.fit_view()
    assert on_edge(editor, TEXT, "handle-out-0") == "right"
    assert on_edge(editor, DISPLAY, "handle-in-0") == "left"

    move_handle(editor, TEXT, "handle-out-0", "bottom")
    move_handle(editor, DISPLAY, "handle-in-0", "top")
    assert on_edge(editor, TEXT, "handle-out-0") == "bottom"
    assert on_edge(editor, DISPLAY, "handle-in-0") == "top"
    expect(editor.page.locator(".react-flow__edge")).to_have_count(2)

    # in the flow JSON, through export and import
    exported = {n["name"]: n for n in editor.export_flow()}
    assert exported[TEXT]["handles"] == {"handle-out-0": "bottom"}
    assert exported[DISPLAY]["handles"] == {"handle-in-0": "top"}
    editor.import_flow(list(exported.values()))
    expect(editor.handle(TEXT, "handle-out-0")).to_have_class(re.compile(r"\breact-flow__handle-bottom\b"))
    expect(editor.handle(DISPLAY, "handle-in-0")).to_have_class(re.compile(r"\breact-flow__handle-top\b"))

    # kept across a reload
    editor.page.wait_for_timeout(500)  # the 300 ms autosave
    editor.reload()
    expect(editor.handle(TEXT, "handle-out-0")).to_have_class(re.compile(r"\breact-flow__handle-bottom\b"))

    # a move is one undo step
    move_handle(editor, TEXT, "handle-out-0", "left")
    editor.page.get_by_test_id("undo").click()
    expect(editor.handle(TEXT, "handle-out-0")).to_have_class(re.compile(r"\breact-flow__handle-bottom\b"))
    assert editor.console_errors == []
