"""No raw translation key on screen: every node's form, the palette, the settings and the toasts, in every language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.testing.server_process import ServerProcess
from tests.browser.editor import Editor

# The editor's languages (ui/src/i18n/languages.ts).
LANGUAGES = ("en", "fr")

# A whole string that is an identifier rather than words: camelCase, snake_case, dotted keys, *Placeholder/*Help...
KEY_LIKE = re.compile(r"""^(?:
    [a-z]+(?:[A-Z][a-z0-9]*)+                                              # inputText, nbOutput
  | [A-Za-z0-9]*[a-z0-9](?:Placeholder|Help|Description|Label|NodeName)    # TTSInstructionPlaceholder, deepSeekHelp
  | [A-Z][a-z]+(?:[A-Z][a-z0-9]+){2,}                                      # GenericNegativePrompt...
  | [a-z0-9]+(?:_[a-z0-9]+)+                                               # replacement_text, openai_api_key
  | [a-z]{2,}(?:\.[a-z_]{2,})+                                             # parameters.core.x, error.upload_failed
)$""", re.X)

# Every visible string of an element: text nodes, placeholders, titles, aria-labels, options of selects.
STRINGS_JS = """root => {
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (text && !walker.currentNode.parentElement.closest('textarea, script, style')) found.push(text);
  }
  for (const el of root.querySelectorAll('[placeholder], [title], [aria-label]')) {
    for (const name of ['placeholder', 'title', 'aria-label']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) found.push(value);
    }
  }
  return found;
}"""

# Field labels a French speaker reads the same way as an English one.
SAME_IN_FRENCH = {"URL", "Image", "Style", "Mode", "Minimum", "Maximum", "Transition", "Format"}


def key_like(strings: list[str]) -> list[str]:
    return sorted({s for s in strings if KEY_LIKE.match(s) and "#" not in s})


def key_like_words(text: str) -> list[str]:
    """Words of a sentence (a toast, an error) that are keys."""
    words = (w.strip(".,:;()'\"…") for w in text.split())
    return sorted({w for w in words if w and "#" not in w and KEY_LIKE.match(w)})


@pytest.fixture(scope="module")
def server(ui_dist: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real server without mock mode and without API keys: a provider node fails on its missing key."""
    nowhere = "http://127.0.0.1:9"  # every provider on a closed loopback port: no traffic leaves the machine
    env = {"USE_MOCK": "false", "USE_ENV_API_KEYS": "false", "OPENAI_BASE_URL": nowhere, "DEEPSEEK_BASE_URL": nowhere,
           "OPENROUTER_BASE_URL": nowhere, "ANTHROPIC_BASE_URL": nowhere, "REPLICATE_BASE_URL": nowhere,
           "STABILITYAI_BASE_URL": nowhere}
    server = ServerProcess(env, tmp_path_factory.mktemp("i18n-server"))
    yield server
    server.stop()


def open_in(editor: Editor, language: str) -> Page:
    page = editor.page
    page.add_init_script(f"localStorage.setItem('i18nextLng', '{language}'); localStorage.setItem('nodes_hidden', '[]');")
    editor.open()
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


def add_every_node(editor: Editor) -> list[str]:
    """Every palette item, added at the centre (double-click); returns the processor types."""
    page = editor.page
    items = page.locator("[data-testid^=palette-item-]")
    types = [t.removeprefix("palette-item-") for t in items.evaluate_all("els => els.map(e => e.dataset.testid)")]
    assert len(types) >= 20, types
    for index, processor_type in enumerate(types):
        editor.palette_item(processor_type).press("Enter")
        expect(page.locator(".react-flow__node")).to_have_count(index + 1)
    return types


def labels_by_field(page: Page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.react-flow__node .field[data-field]')]
        .map(f => [f.closest('.react-flow__node').dataset.id.split('#')[1] + '.' + f.dataset.field,
                   (f.querySelector('.label-text')?.firstChild?.textContent || '').trim()]).filter(([, l]) => l))""")


def test_every_form_shows_words_not_keys_in_every_language(editor: Editor, browser: Any, server: ServerProcess) -> None:
    labels: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=server.url)
        page_editor = Editor(context.new_page(), server)
        page = open_in(page_editor, language)
        add_every_node(page_editor)
        nodes = page.locator(".react-flow__node")
        shown = nodes.evaluate_all(f"els => els.flatMap({STRINGS_JS})")
        assert key_like(shown) == [], f"{language}: keys on the node forms"

        # forms that a "Validate" turns into their real fields (dynamic configs)
        validates = page.locator("[data-testid^=node-validate-]")
        while (count := validates.count()) > 0:
            validates.first.dispatch_event("click")  # nodes may lie under others: the text is what is tested
            expect(validates).to_have_count(count - 1)
        shown = nodes.evaluate_all(f"els => els.flatMap({STRINGS_JS})")
        assert key_like(shown) == [], f"{language}: keys on the forms after Validate"
        labels[language] = labels_by_field(page)

        palette = page.get_by_test_id("palette").evaluate(STRINGS_JS)
        assert key_like(palette) == [], f"{language}: keys in the palette"
        for tab in ("user", "app", "display"):
            page.get_by_test_id("open-settings").click()
            page.get_by_test_id(f"settings-tab-{tab}").click()
            settings = page.get_by_test_id("settings-modal").evaluate(STRINGS_JS)
            assert key_like(settings) == [], f"{language}: keys in the settings ({tab})"
            page.keyboard.press("Escape")

        # the toast listing missing fields names them as the form does
        page.get_by_test_id("run-all").click()
        toast = page.get_by_test_id("toast-error").last
        expect(toast).to_be_visible()
        assert key_like_words(toast.inner_text()) == [], f"{language}: keys in the missing-fields toast"
        assert page_editor.console_errors == []
        context.close()

    # the French form translates field labels too (not the English words)
    same = sorted(f"{field}: {text}" for field, text in labels["fr"].items()
                  if labels["en"].get(field) == text and text not in SAME_IN_FRENCH)
    assert same == [], "field labels left in English in French"


@pytest.mark.parametrize("language,label", [("en", "OpenAI API Key"), ("fr", "Clé d'API OpenAI")])
def test_a_missing_api_key_is_named_as_in_the_settings(editor: Editor, language: str, label: str) -> None:
    page = open_in(editor, language)
    editor.palette_item("llm-prompt").press("Enter")
    (name,) = editor.node_names()
    editor.field(name, "prompt").fill("Say hello")
    page.get_by_test_id(f"node-run-{name}").click()
    message = page.locator(f"[data-testid='node-error-{name}'], [data-testid=toast-error]").first
    expect(message).to_contain_text(label)
    text = message.inner_text()
    assert "openai_api_key" not in text and key_like_words(text) == [], text
    assert ("Settings → API keys" if language == "en" else "Réglages → Clés d'API") in text
