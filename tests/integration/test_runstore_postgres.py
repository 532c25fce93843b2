"""The run store tests again, on SQLite and on a real PostgreSQL (Debian's, started in a temporary folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from app.testing.postgres import PostgresServer
from tests.runstore_support import Backend, postgres_backend, sqlite_backend
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


def test_processes_starting_together_on_a_fresh_database_take_turns_to_migrate(
        postgres_server: PostgresServer) -> None:
    url, drop = postgres_server.database()
    code = "import sys; from app.runstore import open_store; open_store(url=sys.argv[1]).close()"
    try:
        procs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE) for _ in range(4)]
        outcomes = [(proc.communicate(timeout=60)[1], proc.returncode) for proc in procs]
        assert [err.decode()[-500:] for err, code in outcomes if code] == []
    finally:
        drop()
