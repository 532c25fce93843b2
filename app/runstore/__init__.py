"""Durable run history: runs, their nodes and events in SQLite or PostgreSQL, written off the hot path."""

from app.runstore.database import open_store
from app.runstore.history import RunHistory
from app.runstore.recording import HistoryRecorder
from app.runstore.store import RunStore

__all__ = ["HistoryRecorder", "RunHistory", "RunStore", "open_store"]
