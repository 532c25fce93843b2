"""Phones and tablets: no sideways page scroll, drawers over the canvas, scrolling tabs, touch to add, drag, pan, connect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, CDPSession, Locator, Page, expect

from app.testing.server_process import ServerProcess
from tests.browser.editor import Editor

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 700}
DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture
def device(request: pytest.FixtureRequest, browser: Browser, server: ServerProcess) -> Iterator[Editor]:
    """The editor in a context of the viewport given as the test's parameter; touch on screens under 900 px."""
    viewport = request.param
    touch = viewport["width"] < 900
    context = browser.new_context(viewport=viewport, base_url=server.url, has_touch=touch, is_mobile=viewport["width"] < 500,
                                  color_scheme="dark")
    context.set_default_timeout(10_000)
    editor = Editor(context.new_page(), server)
    yield editor
    context.close()


def in_view(page: Page, locator: Locator) -> None:
    """The element is shown whole inside the viewport."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    size = page.viewport_size
    assert box and size
    assert box["x"] >= -0.5 and box["y"] >= -0.5, box
    assert box["x"] + box["width"] <= size["width"] + 0.5 and box["y"] + box["height"] <= size["height"] + 0.5, (box, size)


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                           " document.body.scrollWidth, window.scrollX, document.scrollingElement.scrollLeft]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1] and widths[3] == 0 and widths[4] == 0, widths


@pytest.mark.parametrize("device", [PHONE, TABLET], ids=["390x844", "1024x700"], indirect=True)
def test_the_page_fits_the_screen(device: Editor) -> None:
    editor = device
    page = editor.page
    editor.open(intro=True)
    expect(page.locator(".react-flow__node")).to_have_count(2)
    no_sideways_scroll(page)
    in_view(page, page.get_by_test_id("tab-add"))
    in_view(page, page.get_by_test_id("run-all"))

    editor.run_all()
    editor.wait_idle()
    no_sideways_scroll(page)
    in_view(page, page.get_by_test_id("run-all"))

    # many tabs: the list scrolls, the new one is in sight, "+" and Run stay reachable
    for _ in range(12):
        page.get_by_test_id("tab-add").click()
    in_view(page, page.get_by_test_id("tab-12"))
    in_view(page, page.get_by_test_id("tab-add"))
    in_view(page, page.get_by_test_id("run-all"))
    no_sideways_scroll(page)
    page.get_by_test_id("tab-0").scroll_into_view_if_needed()
    page.get_by_test_id("tab-0").click()
    in_view(page, page.get_by_test_id("tab-0"))
    in_view(page, page.get_by_test_id("tab-add"))

    # the palette: on a phone a drawer over the whole canvas (closed at first), on a tablet beside it
    pane = page.locator(".react-flow__pane")
    if page.viewport_size["width"] < 900:  # type: ignore[index]
        expect(page.get_by_test_id("palette")).to_have_count(0)
        page.get_by_test_id("palette-toggle").click()
        assert (pane.bounding_box() or {})["width"] == page.viewport_size["width"]  # type: ignore[index]
    in_view(page, page.get_by_test_id("palette"))
    in_view(page, page.get_by_test_id("palette-search"))
    no_sideways_scroll(page)
    page.get_by_test_id("palette").get_by_test_id("palette-toggle").click()

    # the side pane: inside the screen, its toggle too
    page.get_by_test_id("side-pane-toggle").click()
    in_view(page, page.get_by_test_id("side-pane"))
    in_view(page, page.get_by_test_id("side-pane-toggle"))
    in_view(page, page.get_by_test_id("json-export"))
    no_sideways_scroll(page)
    page.get_by_test_id("side-pane-toggle").click()

    # settings and help fit, with every field
    page.get_by_test_id("open-settings").click()
    for tab in ("user", "app", "display"):
        page.get_by_test_id(f"settings-tab-{tab}").click()
        in_view(page, page.get_by_test_id("settings-modal"))
        for field in page.get_by_test_id("settings-modal").locator("input.input, select").all():
            box = field.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], box  # type: ignore[index]
        no_sideways_scroll(page)
    page.keyboard.press("Escape")
    page.get_by_test_id("open-help").click()
    in_view(page, page.get_by_test_id("help-modal"))
    no_sideways_scroll(page)


@pytest.mark.parametrize("device", [DESKTOP], ids=["1400x900"], indirect=True)
def test_with_many_tabs_on_a_desktop_the_plus_stays_reachable(device: Editor) -> None:
    page = device.open().page
    for index in range(1, 15):
        page.get_by_test_id("tab-add").click()
        expect(page.get_by_test_id(f"tab-{index}")).to_have_attribute("aria-selected", "true")
    in_view(page, page.get_by_test_id("tab-14"))
    page.get_by_test_id("tab-0").scroll_into_view_if_needed()  # back to the first tab: "+" is still in sight
    page.get_by_test_id("tab-0").click()
    in_view(page, page.get_by_test_id("tab-0"))
    in_view(page, page.get_by_test_id("tab-add"))
    in_view(page, page.get_by_test_id("run-all"))
    no_sideways_scroll(page)


# ---- touch ----------------------------------------------------------------------------------------
def centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def touch_drag(cdp: CDPSession, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
    """One finger from start to end (real touch events through the DevTools protocol)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def transform(page: Page) -> Any:
    return page.locator(".react-flow__viewport").evaluate("el => el.style.transform")


@pytest.mark.parametrize("device", [PHONE], ids=["390x844"], indirect=True)
def test_touch_adds_drags_pans_and_connects(device: Editor) -> None:
    editor = device
    page = editor.page
    editor.open()
    cdp = page.context.new_cdp_session(page)

    # a tap on a palette item adds it (the drawer then closes)
    for processor_type in ("input-text", "llm-prompt"):
        page.get_by_test_id("palette-toggle").tap()
        editor.palette_item(processor_type).tap()
        expect(page.get_by_test_id("palette")).to_have_count(0)
    text, llm = (next(n for n in editor.node_names() if n.endswith(suffix)) for suffix in ("#input-text", "#llm-prompt"))
    editor.fit_view()

    # drag a node by its header
    header = editor.node(text).locator(".node-header")
    before = editor.node(text).bounding_box()
    x, y = centre(header.locator(".node-title"))
    touch_drag(cdp, (x, y), (x, y + 60))
    after = editor.node(text).bounding_box()
    assert before and after and after["y"] - before["y"] > 30, (before, after)

    # pan the canvas with a finger on an empty spot
    editor.wait_viewport_still()
    start = transform(page)
    size = page.viewport_size
    assert size
    empty = page.evaluate("""([w, h]) => {
        for (let y = h - 120; y > 80; y -= 20) for (let x = 60; x < w - 60; x += 20) {
          const el = document.elementFromPoint(x, y);
          if (el && el.classList.contains('react-flow__pane')) return [x, y];
        }
        return null; }""", [size["width"], size["height"]])
    assert empty, "no empty spot of the canvas to pan from"
    touch_drag(cdp, (empty[0], empty[1]), (empty[0] + 40, empty[1] - 80))
    editor.wait_viewport_still()
    assert transform(page) != start

    # connect the text's output to the prompt's input with a finger
    editor.fit_view()
    touch_drag(cdp, centre(editor.handle(text, "handle-out-0")), centre(editor.field_handle(llm, "prompt")), steps=16)
    expect(page.locator(".react-flow__edge")).to_have_count(1)
    no_sideways_scroll(page)
