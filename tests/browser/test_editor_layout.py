"""Nodes never cover each other: a node that grows pushes the nodes under it down; drops, duplicates and pastes land
in free space; tidy layout puts unlinked nodes in a grid beside the linked ones, at a readable zoom (mock mode)."""

from __future__ import annotations

import re
from itertools import combinations

from playwright.sync_api import expect

from app.testing.flow_client import node
from tests.browser.editor import Editor
from tests.browser.flows import LLM, TEXT

BELOW = "b1#input-text"


def boxes(editor: Editor) -> dict[str, dict[str, float]]:
    return dict(editor.page.locator(".react-flow__node").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.dataset.id, {x: r.x, y: r.y, width: r.width, height: r.height}]; })"))


def covered_pairs(editor: Editor) -> list[tuple[str, str]]:
    """Pairs of nodes whose cards overlap on screen."""
    found = []
    for (a, p), (b, q) in combinations(boxes(editor).items(), 2):
        if p["x"] < q["x"] + q["width"] and q["x"] < p["x"] + p["width"] \
                and p["y"] < q["y"] + q["height"] and q["y"] < p["y"] + p["height"]:
            found.append((a, b))
    return found


def zoom(editor: Editor) -> float:
    transform = editor.page.locator(".react-flow__viewport").evaluate("e => e.style.transform")
    match = re.search(r"scale\(([\d.]+)\)", transform)
    assert match, transform
    return float(match.group(1))


def test_a_node_that_grows_pushes_the_nodes_under_it(editor: Editor) -> None:
    editor.open()
    editor.hide_palette()
    # the note sits a little under the LLM node (about 360 px tall before it has an output)
    note_top = 380
    editor.import_flow([
        {**node(TEXT, "input-text", inputText="Autumn in a small coastal town"), "x": 0, "y": 0},
        {**node(LLM, "llm-prompt", [(TEXT, "context", 0)], model="gpt-4o-mini", prompt="Write a haiku."),
         "x": 460, "y": 0},
        {**node(BELOW, "input-text", inputText="a note under the LLM node"), "x": 460, "y": note_top},
    ])
    expect(editor.page.locator(".react-flow__node")).to_have_count(3)
    editor.fit_view()
    before = boxes(editor)
    assert covered_pairs(editor) == [], "nothing covered before the run"
    editor.run_all()
    editor.wait_idle()
    expect(editor.output(LLM)).not_to_be_empty()
    editor.wait_viewport_still()
    after, scale = boxes(editor), zoom(editor)
    llm_bottom = (after[LLM]["y"] + after[LLM]["height"] - before[LLM]["y"]) / scale
    assert llm_bottom > note_top + 10, f"the output made the LLM node reach where the note was ({llm_bottom:.0f})"
    assert covered_pairs(editor) == []
    assert after[BELOW]["y"] >= after[LLM]["y"] + after[LLM]["height"]


def test_a_node_imported_on_another_is_moved_under_it(editor: Editor) -> None:
    editor.open()
    editor.hide_palette()
    editor.import_flow([{**node(f"s{i}#input-text", "input-text", inputText=f"stacked {i}"), "x": 0, "y": 0}
                        for i in range(3)])
    expect(editor.page.locator(".react-flow__node")).to_have_count(3)
    editor.fit_view()
    assert covered_pairs(editor) == []
    assert editor.console_errors == []


def test_drops_duplicates_and_pastes_land_in_free_space(editor: Editor) -> None:
    editor.open()
    editor.hide_palette()
    editor.import_flow([{**node(TEXT, "input-text", inputText="first"), "x": 0, "y": 0}])
    expect(editor.node(TEXT)).to_be_visible()
    editor.wait_viewport_still()
    box, pane = editor.node(TEXT).bounding_box(), editor.page.locator(".react-flow__pane").bounding_box()
    assert box and pane
    # dropped right on the node
    editor.page.get_by_test_id("palette-toggle").click()
    editor.drag_from_palette("input-text", {"x": box["x"] + 60 - pane["x"], "y": box["y"] + 40 - pane["y"]})
    editor.hide_palette()
    assert covered_pairs(editor) == []
    keys = editor.page.keyboard
    editor.page.locator(".react-flow__pane").click(position={"x": 5, "y": 5})
    editor.node(TEXT).locator(".node-title").click()
    keys.press("Control+d")
    expect(editor.page.locator(".react-flow__node")).to_have_count(3)
    assert covered_pairs(editor) == []
    editor.node(TEXT).locator(".node-title").click()
    keys.press("Control+c")
    keys.press("Control+v")
    expect(editor.page.locator(".react-flow__node")).to_have_count(4)
    keys.press("Control+v")
    expect(editor.page.locator(".react-flow__node")).to_have_count(5)
    assert covered_pairs(editor) == []
    assert editor.console_errors == []


def test_tidy_layout_puts_unlinked_nodes_in_a_grid_at_a_readable_zoom(editor: Editor) -> None:
    editor.open()
    editor.hide_palette()
    alone = [{**node(f"a{i}#input-text", "input-text", inputText=f"note {i}"), "x": 0, "y": 0} for i in range(12)]
    editor.import_flow([
        {**node(TEXT, "input-text", inputText="linked"), "x": 0, "y": 0},
        {**node(LLM, "llm-prompt", [(TEXT, "context", 0)], model="gpt-4o-mini", prompt="Say hi."), "x": 0, "y": 0},
        *alone,
    ])
    expect(editor.page.locator(".react-flow__node")).to_have_count(14)
    editor.page.get_by_test_id("auto-layout").click()
    editor.wait_viewport_still()
    editor.page.wait_for_timeout(400)  # the animated fit-view
    editor.wait_viewport_still()
    assert covered_pairs(editor) == []
    assert zoom(editor) >= 0.5
    placed = boxes(editor)
    columns = {round(placed[f"a{i}#input-text"]["x"]) for i in range(12)}
    assert len(columns) >= 3, "the unlinked nodes form a grid, not one tall column"
    assert min(placed[f"a{i}#input-text"]["x"] for i in range(12)) > placed[LLM]["x"], "beside the linked part"
    assert editor.console_errors == []
