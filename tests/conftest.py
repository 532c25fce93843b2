"""Shared fixtures: a real server in mock mode, a factory for servers with other settings, clients."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any, Callable

import gevent  # noqa: F401 - imported once here: a first import racing a leftover background thread's can fail
import pytest

from app.testing.fakes.provider_server import FakeProviders, build
from app.testing.flow_client import FlowClient
from app.testing.server_process import ServerProcess
from tests.cluster_support import redis_server, start_cluster  # noqa: F401 - fixtures for every test module
from tests.runstore_support import postgres_server  # noqa: F401 - one PostgreSQL for the whole session
from tests.s3_fixtures import moto_s3  # noqa: F401 - one moto S3 server for the whole session

# Apps built inside the test process keep their run history in a temporary folder, never in ./data.
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="aiflow-test-data-"))


@pytest.fixture(scope="session")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess({"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.05"},
                           tmp_path_factory.mktemp("mock-server"))
    yield server
    server.stop()


@pytest.fixture
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., ServerProcess]]:
    servers: list[ServerProcess] = []

    def start(**env: str) -> ServerProcess:
        server = ServerProcess(env, tmp_path_factory.mktemp("server"))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def client_factory() -> Iterator[Callable[..., FlowClient]]:
    clients: list[FlowClient] = []

    def make(url: str, **kwargs: Any) -> FlowClient:
        client = FlowClient(url, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        try:
            client.close()
        except Exception:
            pass


@pytest.fixture
def client(mock_server: ServerProcess, client_factory: Callable[..., FlowClient]) -> FlowClient:
    return client_factory(mock_server.url)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeProviders]:
    """The fake provider server with every provider installed, one per test module."""
    providers = build().start()
    yield providers
    providers.stop()
