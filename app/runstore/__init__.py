"""Durable run history: runs, their nodes and events in SQLite or PostgreSQL, written off the hot path."""

from app.runstore.database import open_store
from app.runstore.history import RunHistory
from app.runstore.output_cache import OutputCache
from app.runstore.recording import HistoryRecorder
from app.runstore.run_database import RunDatabase
from app.runstore.store import RunStore

__all__ = ["HistoryRecorder", "OutputCache", "RunDatabase", "RunHistory", "RunStore", "open_store"]
