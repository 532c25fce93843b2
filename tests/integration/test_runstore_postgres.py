"""The run store tests again, on SQLite and on a real PostgreSQL (Debian's, started in a temporary folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.runstore_support import postgres_server  # noqa: F401 - the session fixture
from tests.runstore_support import Backend, PostgresServer, postgres_backend, sqlite_backend
from tests.unit.test_runstore import *  # noqa: F401,F403 - every store test, run here per backend


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:  # noqa: F811
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        backend = postgres_backend(server)
    else:
        backend = sqlite_backend(tmp_path / "db")
    yield backend
    backend.close()


def test_the_postgres_store_is_postgres(backend: Backend) -> None:
    assert backend.store.engine.dialect.name in ("sqlite", "postgresql")
    if backend.store.engine.dialect.name == "postgresql":
        assert backend.store.engine.url.drivername == "postgresql+psycopg"
