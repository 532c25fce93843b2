"""Cache keys: the same node fed the same values has the same key; anything that shapes the output changes it."""

from __future__ import annotations

from typing import Any

from app.engine.cache_keys import cache_key
from app.nodes.spec import Node


def key(values: dict[str, Any] | None = None, fed: list[Any] | None = None, version: int = 1, mock: bool = False,
        **top: Any) -> str:
    node = Node.model_validate({"name": "n#llm-prompt", "processorType": "llm-prompt", "prompt": "Hi",
                                "model": "gpt-4.1-mini", **(values or {}), **top})
    return cache_key(node, version, fed if fed is not None else [("input", 0, ["parent text"])], mock=mock)


def test_same_inputs_same_key() -> None:
    assert key() == key() and len(key()) == 64


def test_layout_identity_and_display_fields_do_not_change_the_key() -> None:
    assert key({"x": 10, "y": 20, "width": 300, "appearance": {"color": "red"}, "outputData": ["old"],
                "lastRun": "yesterday", "isDone": True, "handles": {"in": "left"}}) == key()
    assert key(name="other#llm-prompt") == key()


def test_keys_are_not_part_of_the_key() -> None:
    assert key({"openai_api_key": "sk-1"}) == key({"openai_api_key": "sk-2"}) == key()


def test_every_field_input_version_and_mode_changes_the_key() -> None:
    base = key()
    changed = [key({"prompt": "Hello"}), key({"model": "gpt-4o"}), key({"temperature": 0.2}),
               key(fed=[("input", 0, ["other text"])]), key(fed=[("context", 0, ["parent text"])]),
               key(fed=[("input", 1, ["parent text"])]), key(fed=[]), key(version=2), key(mock=True),
               key({"config": {"fields": [{"name": "prompt"}]}})]
    assert base not in changed and len(set(changed)) == len(changed)


def test_field_order_does_not_matter() -> None:
    a = Node.model_validate({"name": "n", "processorType": "t", "a": 1, "b": {"y": 2, "x": 1}})
    b = Node.model_validate({"name": "n", "processorType": "t", "b": {"x": 1, "y": 2}, "a": 1})
    assert cache_key(a, 1, [], mock=False) == cache_key(b, 1, [], mock=False)
