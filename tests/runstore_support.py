"""Test helpers for the run store: a store on SQLite in a folder, or on a real PostgreSQL started for the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from app.runstore import RunStore, open_store
from app.testing.postgres import PostgresMissing, PostgresServer


class Backend:
    """A database the store tests run against, and the files its bytes live in."""

    def __init__(self, store: RunStore, files_dir: Path, cleanup: object = None) -> None:
        self.store = store
        self.files_dir = files_dir
        self._cleanup = cleanup

    def files_bytes(self) -> list[bytes]:
        """Every file of the database on disk (PostgreSQL: after a checkpoint, data and WAL)."""
        if self.store.engine.dialect.name == "postgresql":
            with self.store.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("CHECKPOINT"))
        return [path.read_bytes() for path in self.files_dir.rglob("*") if path.is_file()]

    def close(self) -> None:
        self.store.close()
        if callable(self._cleanup):
            self._cleanup()


def sqlite_backend(folder: Path) -> Backend:
    folder.mkdir(parents=True, exist_ok=True)
    return Backend(open_store(url=f"sqlite:///{folder / 'runs.sqlite3'}"), folder)


def postgres_backend(server: PostgresServer) -> Backend:
    url, drop = server.database()
    return Backend(open_store(url=url), server.data, drop)


def start_postgres() -> PostgresServer:
    """A started PostgresServer, or the test skipped when the binaries are absent."""
    try:
        return PostgresServer()
    except PostgresMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    yield server
    server.stop()
