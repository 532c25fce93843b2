"""API keys live in this browser and travel with each run; an uploaded file feeds the next node (mock mode)."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from app.testing.flow_client import node
from tests.browser.editor import Editor
from tests.browser.flows import TEXT, text_llm_display

KEY = "sk-browser-test-0123456789"
FILE = "f1#file"
DOC = "x1#document-to-text-processor"


def test_api_keys_stay_in_local_storage_and_go_with_each_run(editor: Editor) -> None:
    editor.open()
    page = editor.page
    editor.set_api_key("openai_api_key", KEY)
    stored = editor.local_storage("parameters")
    assert stored["core"]["openai_api_key"]["value"] == KEY
    assert KEY not in str(editor.local_storage("flowTabs"))

    editor.import_flow(text_llm_display())
    editor.run_all()
    editor.wait_idle()
    (run,) = editor.sent_events("process_file")
    assert run["parameters"] == {"openai_api_key": KEY}  # empty keys are not sent
    assert KEY not in run["jsonFile"]

    # after a reload the key is still there, and a single-node run carries it too
    editor.reload()
    page.get_by_test_id("open-settings").click()
    expect(page.get_by_test_id("setting-openai_api_key")).to_have_value(KEY)
    page.keyboard.press("Escape")
    page.get_by_test_id(f"node-run-{TEXT}").click()
    (single,) = editor.wait_sent("run_node", 1)
    expect(editor.status(TEXT)).to_have_attribute("data-status", "done")
    assert single["parameters"] == {"openai_api_key": KEY} and single["nodeName"] == TEXT
    assert editor.console_errors == []


def test_an_uploaded_file_feeds_document_to_text(editor: Editor) -> None:
    editor.open()
    page = editor.page
    editor.import_flow([
        {**node(FILE, "file"), "x": 60, "y": 120},
        {**node(DOC, "document-to-text-processor", [(FILE, "document_url", 0)]), "x": 520, "y": 120},
    ])
    expect(page.locator(".react-flow__edge")).to_have_count(1)
    content = "Minutes of the harbour committee.\nItem 1: repaint the lighthouse.\n"
    page.get_by_test_id(f"file-input-{FILE}").set_input_files(
        files=[{"name": "minutes.txt", "mimeType": "text/plain", "buffer": content.encode()}])
    # the upload went through the server's upload form; the node now holds the stored file's URL
    expect(editor.output(FILE)).to_be_visible()
    editor.run_all()
    expect(editor.status(DOC)).to_have_attribute("data-status", "done")
    expect(editor.show_output(DOC)).to_contain_text("Item 1: repaint the lighthouse.")
    (run,) = editor.sent_events("process_file")
    (file_node,) = [n for n in json.loads(run["jsonFile"]) if n["name"] == FILE]
    assert file_node["fileUrl"].startswith(editor.server.url) and file_node["fileUrl"].endswith(".txt")
    assert editor.console_errors == []
