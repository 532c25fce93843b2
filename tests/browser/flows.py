"""Flows the browser tests import through the JSON pane (the reference's export format)."""

from __future__ import annotations

from typing import Any

from app.testing.flow_client import node

TEXT = "t1#input-text"
LLM = "l1#llm-prompt"
DISPLAY = "d1#display"


def text_llm_display(text: str = "Autumn in a small coastal town", **llm_values: Any) -> list[dict[str, Any]]:
    """input-text -> llm-prompt (as context) -> display, laid out left to right."""
    return [
        {**node(TEXT, "input-text", inputText=text), "x": 40, "y": 120},
        {**node(LLM, "llm-prompt", [(TEXT, "context", 0)], model="gpt-4o-mini",
                prompt="Write a haiku about the context.", **llm_values), "x": 460, "y": 60},
        {**node(DISPLAY, "display", [(LLM, None, 0)]), "x": 940, "y": 120},
    ]
