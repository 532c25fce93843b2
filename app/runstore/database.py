"""Open the run history database (SQLite under DATA_DIR, or DATABASE_URL) and migrate it to head."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text

from app.runstore.store import RunStore
from app.settings import Settings

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "runs.sqlite3"
#: PostgreSQL advisory lock held while migrating: web processes and workers that start together take turns.
MIGRATION_LOCK = 0x41F10_0001


def database_url(settings: Settings) -> str:
    """DATABASE_URL if set, else a SQLite file in DATA_DIR (the folder is created on first start)."""
    if settings.database_url:
        return settings.database_url
    settings.data_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.data_path / SQLITE_FILE}"


def _json(value: Any) -> str:
    return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def _from_json(value: Any) -> Any:
    """SQLite's numeric affinity for JSON columns hands a stored number back as a number, not JSON text."""
    return value if isinstance(value, (int, float)) else orjson.loads(value)


def create_db_engine(url: str) -> Engine:
    """An engine with orjson for JSON columns; SQLite in WAL mode so readers never wait for the writer."""
    engine = create_engine(url, json_serializer=_json, json_deserializer=_from_json, pool_pre_ping=True,
                           hide_parameters=True)  # errors never echo stored values
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (no CLI step: this runs at start-up)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # released when this transaction ends
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(settings: Settings | None = None, *, url: str | None = None) -> RunStore:
    """Connect, migrate, and return the store (its URL from `url`, else from settings)."""
    if url is None:
        if settings is None:
            raise ValueError("open_store needs settings or a url")
        url = database_url(settings)
    engine = create_db_engine(url)
    migrate(engine)
    log.info("run history in %s", engine.url.render_as_string(hide_password=True))
    return RunStore(engine)
