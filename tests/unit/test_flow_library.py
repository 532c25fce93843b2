"""The flow library: versions, rename, pages, delete, no secret kept; a flow's inputs and outputs described."""

from __future__ import annotations

from pathlib import Path

from app.engine.flow_interface import describe
from app.nodes.registry import ProcessorRegistry
from app.runstore import open_store
from app.runstore.flow_library import FlowLibrary


def library(tmp_path: Path) -> FlowLibrary:
    return FlowLibrary(open_store(url=f"sqlite:///{tmp_path / 'runs.sqlite3'}").engine)


FLOW = [{"name": "question", "processorType": "input-text", "inputText": ""},
        {"name": "page", "processorType": "url_input", "url": "https://example.com", "inputs": []},
        {"name": "answer", "processorType": "llm-prompt", "prompt": "Answer", "openai_api_key": "sk-secret",
         "inputs": [{"inputNode": "question"}, {"inputNode": "page"}]}]


def test_each_save_is_a_version_and_old_ones_stay_readable(tmp_path: Path) -> None:
    flows = library(tmp_path)
    first = flows.create("My flow", FLOW)
    assert first.version == 1 and first.latest_version == 1 and len(first.id) == 32
    second = flows.save(first.id, FLOW[:1], name="Renamed on save")
    assert second is not None and second.version == 2 and second.name == "Renamed on save"
    assert flows.get(first.id).flow == FLOW[:1]  # type: ignore[union-attr]
    old = flows.get(first.id, 1)
    assert old is not None and old.version == 1 and len(old.flow) == 3
    assert "openai_api_key" not in old.flow[2]
    assert [v for v, _ in flows.versions(first.id)] == [2, 1]
    assert flows.get(first.id, 9) is None and flows.get("nope") is None and flows.save("nope", []) is None


def test_rename_page_and_delete(tmp_path: Path) -> None:
    flows = library(tmp_path)
    ids = [flows.create(f"flow {i}", FLOW).id for i in range(5)]
    assert flows.rename(ids[0], "first, renamed").name == "first, renamed"  # type: ignore[union-attr]
    page = flows.page(limit=2)
    assert [f.id for f in page.flows] == [ids[0], ids[4]] and page.next_cursor
    rest = flows.page(page.next_cursor, limit=10)
    assert [f.id for f in rest.flows] == [ids[3], ids[2], ids[1]] and rest.next_cursor is None
    assert flows.delete(ids[1]) is True and flows.delete(ids[1]) is False
    assert flows.get(ids[1]) is None and flows.versions(ids[1]) == []


def test_describe_names_inputs_and_outputs() -> None:
    interface = describe(FLOW, ProcessorRegistry.discover())
    assert [(i.name, i.field, i.required) for i in interface.inputs] == [("question", "inputText", True),
                                                                          ("page", "url", False)]
    assert [(o.name, o.output_type) for o in interface.outputs] == [("answer", "markdown")]
