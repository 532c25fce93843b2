"""Help: the help popup's cards open the project's own docs inside it (or in a new tab), every node type's help leads
to its section of the node reference, and the first-visit guided tour (skippable, never shown again once done or
skipped, started again from the help)."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.editor import Editor
from tests.browser.test_editor_i18n import STRINGS_JS, key_like
from app.testing.server_process import ServerProcess

TOUR_FLAG = "aiflow-tour"
PHONE = {"width": 390, "height": 844}
# The tour's steps after the welcome, by the element each one shows (the reference's hooks).
TOUR_TARGETS = ["#dnd-sidebar", ".node-play-button", ".handle", "#run-all-button", "#replicate", ".config-button"]
# A node without a toolbar (a small routing point): no node help to open.
NO_TOOLBAR = {"transition"}


def catalogue_types(server: ServerProcess) -> list[str]:
    with urllib.request.urlopen(server.url + "/node/configs", timeout=10) as answer:  # loopback only
        return json.load(answer)["types"]


def section_at_top(doc: Locator, anchor: str) -> None:
    """The popup's help page is scrolled to the heading of `anchor`: at the top of its area, or as far as it goes."""
    heading = doc.locator(f"#doc-{anchor}")
    expect(heading).to_be_in_viewport()
    offset, scrolled, room = heading.evaluate("""(h) => {
        const page = h.closest('[data-testid=help-doc]');
        return [h.getBoundingClientRect().top - page.getBoundingClientRect().top, page.scrollTop,
                page.scrollHeight - page.clientHeight];
    }""")
    at_top = -2 <= offset <= 40
    at_end = scrolled > 0 and abs(scrolled - room) <= 1 and offset > 0
    assert at_top or at_end, f"the section {anchor} is {offset} px from the top of the page shown ({scrolled}/{room})"


def test_the_help_popup_opens_the_docs_inside_it(editor: Editor) -> None:
    page = editor.open().page
    page.keyboard.press("?")
    modal = page.get_by_test_id("help-modal")
    for card in ("guide", "nodes", "shortcuts", "api", "publishing", "history", "tour"):
        expect(modal.get_by_test_id(f"help-card-{card}")).to_be_visible()

    # Getting started: docs/guide.md rendered in the popup, with a link to the same page in a new tab
    modal.get_by_test_id("help-card-guide").click()
    doc = modal.get_by_test_id("help-doc")
    expect(doc.locator("h1#doc-getting-started")).to_have_text("Getting started")
    expect(doc.locator("h2#doc-build-a-flow")).to_be_visible()
    new_tab = modal.get_by_test_id("help-doc-new-tab")
    expect(new_tab).to_have_attribute("href", "/help/guide")
    expect(new_tab).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        new_tab.click()
    html = opened.value
    expect(html.locator("h1#getting-started")).to_have_text("Getting started")
    expect(html.locator("h2#save-and-publish")).to_be_attached()
    html.close()

    # a link of the guide to the node reference stays in the popup
    doc.get_by_role("link", name="node reference").first.click()
    expect(doc).to_have_attribute("data-page", "nodes")
    expect(doc.locator("h1#doc-node-types")).to_be_visible()
    expect(new_tab).to_have_attribute("href", "/help/nodes")

    # back to the cards; Publishing flows and History open the guide at their sections
    for card, anchor in (("publishing", "save-and-publish"), ("history", "history-and-resume")):
        modal.get_by_test_id("help-back").click()
        modal.get_by_test_id(f"help-card-{card}").click()
        expect(doc).to_have_attribute("data-page", "guide")
        section_at_top(doc, anchor)
        expect(new_tab).to_have_attribute("href", f"/help/guide#{anchor}")

    # the keyboard shortcuts, as before
    modal.get_by_test_id("help-back").click()
    modal.get_by_test_id("help-card-shortcuts").click()
    expect(modal.get_by_test_id("shortcuts")).to_contain_text("Run the whole flow")
    expect(modal.get_by_test_id("help-doc")).to_have_count(0)

    # the run API: its Swagger UI page, in a new tab
    modal.get_by_test_id("help-back").click()
    api = modal.get_by_test_id("help-card-api")
    expect(api).to_have_attribute("href", "/api/v1/docs")
    with page.context.expect_page() as opened:
        api.click()
    swagger = opened.value
    swagger.wait_for_load_state()
    assert swagger.url.endswith("/api/v1/docs")
    expect(swagger.locator("#swagger-ui, .swagger-ui").first).to_be_attached()
    swagger.close()

    page.keyboard.press("Escape")
    expect(modal).to_have_count(0)
    assert editor.console_errors == []


def test_every_node_type_leads_to_its_section_of_the_node_reference(editor: Editor) -> None:
    page = editor.page
    page.add_init_script("localStorage.setItem('nodes_hidden', '[]')")  # every node type in the palette
    editor.open()
    types = catalogue_types(editor.server)

    # the node reference, as the popup renders it, has a section for every type of the catalogue
    page.keyboard.press("?")
    page.get_by_test_id("help-card-nodes").click()
    doc = page.get_by_test_id("help-doc")
    expect(doc.locator("#doc-llm-prompt")).to_be_attached()
    anchors = set(doc.locator("h1, h2, h3, h4").evaluate_all("hs => hs.map(h => h.id)"))
    assert sorted(f"doc-{t}" for t in types if f"doc-{t}" not in anchors) == []
    page.keyboard.press("Escape")

    # each node's Help → "Learn more" opens the reference at its section
    palette = page.locator("[data-testid^=palette-item-]")
    shown = [t.removeprefix("palette-item-") for t in palette.evaluate_all("els => els.map(e => e.dataset.testid)")]
    assert len(shown) >= 20 and set(shown) <= set(types), shown
    checked = []
    for processor_type in shown:
        if processor_type in NO_TOOLBAR:
            continue
        editor.palette_item(processor_type).press("Enter")
        nodes = page.locator(".react-flow__node")
        expect(nodes).to_have_count(1)
        (name,) = editor.node_names()
        editor.node(name).locator(".node-title").click()
        toolbar = page.get_by_test_id(f"node-toolbar-{name}")
        toolbar.get_by_test_id("node-action-help").click()
        dialog = page.get_by_test_id("node-help-dialog")
        link = dialog.get_by_test_id("node-help-doc")
        expect(link).to_have_attribute("href", f"/help/nodes#{processor_type}")
        expect(dialog.get_by_test_id("node-help-doc-new-tab")).to_have_attribute("target", "_blank")
        link.click()
        expect(dialog).to_have_count(0)
        doc = page.get_by_test_id("help-modal").get_by_test_id("help-doc")
        expect(doc).to_have_attribute("data-page", "nodes")
        section_at_top(doc, processor_type)
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("help-modal")).to_have_count(0)
        toolbar.get_by_test_id("node-action-remove").click()
        expect(nodes).to_have_count(0)
        checked.append(processor_type)
    assert len(checked) >= 20

    # the same section in a new tab: the page as HTML, at the node's anchor
    editor.palette_item("url_input").press("Enter")
    (name,) = editor.node_names()
    editor.node(name).locator(".node-title").click()
    page.get_by_test_id(f"node-toolbar-{name}").get_by_test_id("node-action-help").click()
    dialog = page.get_by_test_id("node-help-dialog")
    expect(dialog.get_by_test_id("node-help-description")).to_have_text(
        "Fetches a web page and extracts its content as text or Markdown.")
    expect(dialog.get_by_test_id("node-help-output")).to_have_text("Text")
    with page.context.expect_page() as opened:
        dialog.get_by_test_id("node-help-doc-new-tab").click()
    html = opened.value
    assert html.url.endswith("/help/nodes#url_input")
    expect(html.locator("h3#url_input")).to_be_in_viewport()
    html.close()
    assert editor.console_errors == []


@pytest.mark.parametrize("language,tour_card,learn_more", [("en", "Take the tour", "Learn more:"),
                                                            ("fr", "Faire la visite guidée", "En savoir plus :")])
def test_the_help_speaks_the_editors_language(editor: Editor, language: str, tour_card: str, learn_more: str) -> None:
    page = editor.page
    page.add_init_script(f"localStorage.setItem('i18nextLng', '{language}')")
    editor.open(intro=True)
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.keyboard.press("?")
    modal = page.get_by_test_id("help-modal")
    expect(modal.get_by_test_id("help-card-tour")).to_contain_text(tour_card)
    assert key_like(modal.evaluate(STRINGS_JS)) == []
    modal.get_by_test_id("help-card-guide").click()
    expect(modal.get_by_test_id("help-back")).to_be_visible()
    assert key_like(modal.locator(".help-nav").evaluate(STRINGS_JS)) == []
    page.keyboard.press("Escape")
    gpt = next(name for name in editor.node_names() if name.endswith("#llm-prompt"))
    editor.node(gpt).locator(".node-title").click()
    page.get_by_test_id(f"node-toolbar-{gpt}").get_by_test_id("node-action-help").click()
    dialog = page.get_by_test_id("node-help-dialog")
    expect(dialog.locator(".learn-more")).to_contain_text(learn_more)
    assert key_like(dialog.evaluate(STRINGS_JS)) == []
    assert editor.console_errors == []


# ---- the guided tour ---------------------------------------------------------------------------------------------

def tour_step(page: Page, index: int) -> Locator:
    return page.locator(f"#react-joyride-step-{index}")


def highlighted_matches(page: Page, selector: str) -> bool:
    """The element the tour shows (driver.js marks it; a centred step marks a hidden placeholder) matches `selector`."""
    shown = page.locator(".driver-active-element:not(#driver-dummy-element)")
    expect(shown).to_have_count(1)
    return shown.evaluate(f"(el) => el.matches({json.dumps(selector)})")


def test_the_tour_shows_on_the_first_visit_and_not_after_skipping_it(editor: Editor) -> None:
    page = editor.page
    tour_chunks: list[str] = []
    page.on("request", lambda request: tour_chunks.append(request.url) if "/assets/Tour-" in request.url else None)
    editor.open(intro=True, tour=True)
    step = tour_step(page, 0)
    expect(step).to_be_visible()
    expect(step).to_contain_text(re.compile("Welcome to AI-Flow", re.I))
    expect(page.locator(".react-flow__node")).to_have_count(2)  # the intro flow behind it
    assert tour_chunks, "the tour is a chunk of its own, fetched when it starts"
    step.get_by_role("button", name="I know the app").click()
    expect(step).to_have_count(0)
    expect(page.locator(".driver-overlay")).to_have_count(0)
    assert editor.local_storage(TOUR_FLAG) == "skipped"

    # not after a reload: the tour would start as soon as the canvas shows the flow
    tour_chunks.clear()
    editor.reload()
    expect(page.locator(".react-flow__node")).to_have_count(2)
    page.wait_for_timeout(1500)  # a negative check: the tour is not fetched nor shown in this time (it takes ~0.3 s)
    expect(page.locator("[data-testid=tour-step]")).to_have_count(0)
    assert tour_chunks == []
    assert editor.console_errors == []


def test_skipping_in_one_tab_ends_it_in_the_others_and_in_later_ones(editor: Editor) -> None:
    page = editor.page
    editor.open(intro=True, tour=True)
    other = Editor(page.context.new_page(), editor.server)
    other.page.goto("/")
    other.wait_ready()
    expect(tour_step(page, 0)).to_be_visible()
    expect(tour_step(other.page, 0)).to_be_visible()
    page.keyboard.press("Escape")  # Esc skips it too
    expect(tour_step(page, 0)).to_have_count(0)
    expect(tour_step(other.page, 0)).to_have_count(0)
    assert editor.local_storage(TOUR_FLAG) == "skipped"
    later = Editor(page.context.new_page(), editor.server)
    later.page.goto("/")
    later.wait_ready()
    expect(later.page.locator(".react-flow__node")).to_have_count(2)
    later.page.wait_for_timeout(1500)  # negative check, as above
    expect(later.page.locator("[data-testid=tour-step]")).to_have_count(0)
    assert editor.console_errors == other.console_errors == later.console_errors == []


def test_take_the_tour_again_from_the_help_and_finish_it(editor: Editor) -> None:
    page = editor.open(intro=True).page  # the tour was skipped before (the page object's default)
    expect(page.locator(".react-flow__node")).to_have_count(2)
    assert editor.local_storage(TOUR_FLAG) == "skipped"
    page.get_by_test_id("open-help").click()
    page.get_by_test_id("help-card-tour").click()
    expect(page.get_by_test_id("help-modal")).to_have_count(0)
    first = tour_step(page, 0)
    expect(first).to_contain_text(re.compile("Welcome to AI-Flow", re.I))
    expect(first.get_by_role("button", name="I know the app")).to_be_visible()
    first.get_by_role("button", name="Let's start!").click()
    for index, target in enumerate(TOUR_TARGETS, start=1):
        step = tour_step(page, index)
        expect(step).to_be_visible()
        expect(step.get_by_test_id("tour-skip")).to_have_text("Skip the tour")
        assert highlighted_matches(page, target), f"step {index} shows {target}"
        expect(step).to_be_in_viewport(ratio=1)
        next_button = step.locator(".driver-popover-next-btn")
        if index == len(TOUR_TARGETS):
            expect(next_button).to_have_text("Done")
        next_button.click()
    expect(page.locator("[data-testid=tour-step]")).to_have_count(0)
    expect(page.locator(".driver-overlay")).to_have_count(0)
    assert editor.local_storage(TOUR_FLAG) == "done"
    assert editor.console_errors == []


def test_the_tour_in_french(editor: Editor) -> None:
    page = editor.page
    page.add_init_script("localStorage.setItem('i18nextLng', 'fr')")
    editor.open(intro=True, tour=True)
    step = tour_step(page, 0)
    expect(step).to_contain_text("Bienvenue dans AI-Flow")
    assert key_like(step.evaluate(STRINGS_JS)) == []
    step.get_by_role("button", name="C'est parti !").click()
    expect(tour_step(page, 1).get_by_test_id("tour-skip")).to_have_text("Passer la visite")
    tour_step(page, 1).get_by_test_id("tour-skip").click()
    assert editor.local_storage(TOUR_FLAG) == "skipped"


@pytest.fixture
def phone(browser: Browser, server: ServerProcess) -> Iterator[Editor]:
    context = browser.new_context(viewport=PHONE, base_url=server.url, has_touch=True, is_mobile=True,
                                  color_scheme="dark")
    context.set_default_timeout(10_000)
    yield Editor(context.new_page(), server)
    context.close()


def test_on_a_phone_the_tour_fits_and_leaves_out_what_is_hidden(phone: Editor) -> None:
    page = phone.open(intro=True, tour=True).page
    expect(page.get_by_test_id("palette")).to_have_count(0)  # a closed drawer on a phone
    shown: list[str] = []
    index = 0
    while True:
        step = tour_step(page, index)
        expect(step).to_be_visible()
        box, size = step.bounding_box(), page.viewport_size
        assert box and size and box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"], box
        sizes: Any = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                                   " window.scrollX, window.scrollY]")
        assert sizes[0] <= sizes[1] and sizes[2] == 0 and sizes[3] == 0, sizes
        if index:
            shown.append(next(t for t in TOUR_TARGETS if highlighted_matches(page, t)))
        next_button = step.locator(".driver-popover-next-btn")
        if next_button.inner_text() == "Done":
            next_button.click()
            break
        next_button.click()
        index += 1
    assert "#dnd-sidebar" not in shown and "#replicate" not in shown, shown
    assert {"#run-all-button", ".config-button"} <= set(shown), shown
    expect(page.locator("[data-testid=tour-step]")).to_have_count(0)
    assert phone.local_storage(TOUR_FLAG) == "done"
    assert phone.console_errors == []
