"""Editing as one step per action (undo/redo of Delete with links, duplicate, paste, tidy layout, import),
Shift+Enter running the selected node, and closing a tab undone from its toast (mock mode)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from app.testing.flow_client import node
from tests.browser.editor import Editor
from tests.browser.flows import DISPLAY, LLM, TEXT, text_llm_display


def expect_counts(editor: Editor, nodes: int, edges: int) -> None:
    expect(editor.page.locator(".react-flow__node")).to_have_count(nodes)
    expect(editor.page.locator(".react-flow__edge")).to_have_count(edges)


def select(editor: Editor, *names: str) -> None:
    """Click the nodes' titles (Shift held for the others), as a user selects several nodes."""
    editor.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    for index, name in enumerate(names):
        editor.node(name).locator(".node-title").click(modifiers=["Shift"] if index else [])
    for name in names:
        expect(editor.node(name)).to_have_class(re.compile(r"\bselected\b"))


def positions(editor: Editor) -> dict[str, str]:
    return dict(editor.page.locator(".react-flow__node").evaluate_all(
        "els => els.map(e => [e.dataset.id, e.style.transform])"))


def test_undo_is_one_step_per_action(editor: Editor) -> None:
    editor.open()
    editor.import_flow(text_llm_display())
    expect_counts(editor, 3, 2)
    keys = editor.page.keyboard

    # Delete takes the node's links with it; one undo brings both back, redo takes them again
    select(editor, LLM)
    keys.press("Delete")
    expect_counts(editor, 2, 0)
    keys.press("Control+z")
    expect_counts(editor, 3, 2)
    keys.press("Control+Shift+z")
    expect_counts(editor, 2, 0)
    keys.press("Control+z")
    expect_counts(editor, 3, 2)

    # a duplicate of two nodes is undone at once
    select(editor, TEXT, LLM)
    keys.press("Control+d")
    expect_counts(editor, 5, 2)
    keys.press("Control+z")
    expect_counts(editor, 3, 2)

    # a paste of two linked nodes (and their link) too
    select(editor, TEXT, LLM)
    keys.press("Control+c")
    keys.press("Control+v")
    expect_counts(editor, 5, 3)
    keys.press("Control+z")
    expect_counts(editor, 3, 2)

    # tidy layout: one undo puts every node back where it was
    before = positions(editor)
    editor.page.get_by_test_id("auto-layout").click()
    editor.wait_viewport_still()
    assert positions(editor) != before
    editor.page.get_by_test_id("undo").click()
    expect(editor.node(DISPLAY)).to_have_attribute("style", re.compile(re.escape(before[DISPLAY])))
    assert positions(editor) == before

    # an import replaces the flow; one undo brings the previous flow back
    editor.import_flow([{**node("solo#input-text", "input-text", inputText="alone"), "x": 0, "y": 0}])
    expect_counts(editor, 1, 0)
    editor.page.get_by_test_id("undo").click()
    expect_counts(editor, 3, 2)
    assert sorted(editor.node_names()) == sorted([TEXT, LLM, DISPLAY])
    assert editor.console_errors == []


def test_shift_enter_runs_the_selected_node(editor: Editor) -> None:
    editor.open()
    editor.import_flow(text_llm_display())
    select(editor, LLM)
    editor.page.keyboard.press("Shift+Enter")
    expect(editor.status(LLM)).to_have_attribute("data-status", "done")
    editor.wait_idle()
    (run,) = editor.sent_events("run_node")
    assert run["nodeName"] == LLM
    assert editor.sent_events("process_file") == []

    # while typing in a node's field, Shift+Enter runs that node (and types no new line)
    field = editor.field(TEXT, "inputText")
    field.fill("Two words")
    field.press("Shift+Enter")
    assert [r["nodeName"] for r in editor.wait_sent("run_node", 2)] == [LLM, TEXT]
    expect(editor.status(TEXT)).to_have_attribute("data-status", "done")
    editor.wait_idle()
    expect(field).to_have_value("Two words")


def test_closing_a_tab_with_nodes_can_be_undone(editor: Editor) -> None:
    editor.open()
    page = editor.page
    editor.import_flow(text_llm_display())
    page.get_by_test_id("tab-add").click()
    expect(page.get_by_test_id("tab-1")).to_have_attribute("aria-selected", "true")

    # an empty tab closes without a word
    page.get_by_test_id("tab-remove-1").click()
    expect(page.get_by_test_id("tab-1")).to_have_count(0)
    expect(page.get_by_test_id("tab-close-undo")).to_have_count(0)

    page.get_by_test_id("tab-add").click()
    page.get_by_test_id("tab-0").click()
    page.get_by_test_id("tab-remove-0").click()
    expect(page.locator("[data-testid^='tab-'][role='tab']")).to_have_count(1)
    expect(page.locator(".react-flow__node")).to_have_count(0)
    page.get_by_test_id("tab-close-undo").click()

    # the tab is back at its place, shown, with its nodes, links and undo history
    expect(page.get_by_test_id("tab-0")).to_have_attribute("aria-selected", "true")
    expect_counts(editor, 3, 2)
    expect(page.get_by_test_id("undo")).to_be_enabled()
    page.get_by_test_id("undo").click()
    expect_counts(editor, 0, 0)
    # and it stays after a reload
    page.get_by_test_id("redo").click()
    expect_counts(editor, 3, 2)
    editor.reload()
    expect(page.locator("[data-testid^='tab-'][role='tab']")).to_have_count(2)
    expect_counts(editor, 3, 2)
    assert editor.console_errors == []
