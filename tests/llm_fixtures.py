"""Pytest fixtures for the text-model tests: one fake (OpenAI-style + Anthropic) and one server using it.

Import them into a test module: `from tests.llm_fixtures import llm_fake, llm_server  # noqa: F401`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.testing.fakes import openai_api
from app.testing.fakes.llm_fake import start_llm_fake
from app.testing.fakes.provider_server import FakeProviders
from app.testing.server_process import ServerProcess

#: Provider settings of the shared server: one retry (so 429-then-success passes), a short timeout.
LLM_SERVER_ENV = {"PROVIDER_MAX_RETRIES": "1", "PROVIDER_TIMEOUT_S": "2", "STREAM_INTERVAL_MS": "50"}


@pytest.fixture(scope="session")
def llm_fake_session() -> Iterator[FakeProviders]:
    fake = start_llm_fake()
    yield fake
    fake.stop()


@pytest.fixture
def llm_fake(llm_fake_session: FakeProviders) -> FakeProviders:
    """The shared fake, reset: no faults, no delays, the default answer."""
    llm_fake_session.reset()
    openai_api.reset_script(llm_fake_session)
    return llm_fake_session


@pytest.fixture(scope="session")
def llm_server(llm_fake_session: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess({**llm_fake_session.base_urls(), **LLM_SERVER_ENV}, tmp_path_factory.mktemp("llm"))
    yield server
    server.stop()
