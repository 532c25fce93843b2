"""Hovering a palette entry shows a drawn help card beside the palette: what the node does, its inputs, its output."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.editor import Editor


def test_hovering_a_palette_entry_shows_its_help_card(editor: Editor) -> None:
    editor.open()
    page = editor.page
    item = editor.palette_item("llm-prompt")
    assert item.get_attribute("title") is None, "a drawn card, not the browser's title tooltip"
    item.hover()
    card = page.get_by_test_id("palette-card-llm-prompt")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("palette-card-description")).to_have_text(
        "Sends a prompt (and optional context) to an OpenAI GPT model.")
    expect(card.get_by_test_id("palette-card-inputs")).to_contain_text(re.compile("Prompt", re.I))
    expect(card.get_by_test_id("palette-card-inputs")).to_contain_text(re.compile("Context", re.I))
    expect(card.get_by_test_id("palette-card-output")).to_have_text("Text (Markdown)")
    palette, drawn = page.get_by_test_id("palette").bounding_box(), card.bounding_box()
    assert palette and drawn
    assert drawn["x"] >= palette["x"] + palette["width"], "beside the palette, not over it"
    assert drawn["y"] + drawn["height"] <= page.viewport_size["height"]

    # another entry: a starting node
    editor.palette_item("input-text").hover()
    expect(card).to_have_count(0)
    text_card = page.get_by_test_id("palette-card-input-text")
    expect(text_card).to_be_visible()
    expect(text_card.get_by_test_id("palette-card-inputs")).to_have_text("None: a starting node")
    expect(text_card.get_by_test_id("palette-card-output")).to_have_text("Text")

    # gone when the pointer leaves
    page.mouse.move(900, 500)
    expect(text_card).to_have_count(0)

    # in French too
    page.get_by_test_id("open-settings").click()
    page.get_by_test_id("settings-tab-display").click()
    page.get_by_test_id("language-select").select_option("fr")
    page.keyboard.press("Escape")
    editor.palette_item("input-text").hover()
    expect(page.get_by_test_id("palette-card-input-text").get_by_test_id("palette-card-inputs")).to_have_text(
        "Aucune : un nœud de départ")
    assert editor.console_errors == []
