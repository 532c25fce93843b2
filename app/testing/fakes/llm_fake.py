"""The fake text models (OpenAI-style and Anthropic) on one started server."""

from __future__ import annotations

from app.testing.fakes import anthropic_api, openai_api
from app.testing.fakes.provider_server import FakeProviders


def start_llm_fake() -> FakeProviders:
    """A started fake answering the OpenAI-style and Anthropic text APIs (set its answer with openai_api.script)."""
    fake = FakeProviders()
    openai_api.install(fake)
    anthropic_api.install(fake)
    return fake.start()
