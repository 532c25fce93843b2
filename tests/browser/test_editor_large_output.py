"""A 5 MB answer reaches the editor (by link, fetched back), shown in part, kept whole for copy and download."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from app.testing.flow_client import node
from tests.browser.editor import Editor

SOURCE, BIG = "s1#input-text", "m1#merger-prompt"
MEGABYTE = "".join(chr(0x61 + i % 26) for i in range(1024)) * 1024


def five_megabyte_flow() -> list[dict[str, object]]:
    return [{**node(SOURCE, "input-text", inputText=MEGABYTE), "x": 40, "y": 120},
            {**node(BIG, "merger-prompt", [(SOURCE, "input-1", 0)], prompt="${input-1}" * 5,
                    inputNames=["input-1", "input-2"]), "x": 520, "y": 120}]


def test_a_five_megabyte_answer_arrives_whole(editor: Editor) -> None:
    editor.open()
    editor.import_flow(five_megabyte_flow())
    editor.run_all()
    expect(editor.status(BIG)).to_have_attribute("data-status", "done", timeout=30_000)
    truncated = editor.page.get_by_test_id(f"output-truncated-{BIG}")
    expect(truncated).to_have_attribute("data-length", str(5 * len(MEGABYTE)), timeout=30_000)
    done = [p for p in editor.received_events("progress") if p.get("instanceName") == BIG and p.get("isDone")]
    assert done and done[0]["largeOutputs"][0]["bytes"] == 5 * len(MEGABYTE)
    assert max(len(json.dumps(p)) for p in editor.received_events("progress")) < 1_100_000  # MAX_EVENT_MB=1
    with editor.page.expect_download() as info:
        truncated.get_by_role("button").click()
    path = info.value.path()
    assert path is not None and path.stat().st_size == 5 * len(MEGABYTE)
