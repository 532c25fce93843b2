"""RunDatabase: the run history, output cache and flow library on one database; none with RUN_HISTORY=false."""

from __future__ import annotations

from dataclasses import dataclass

from app.runstore.database import open_store
from app.runstore.flow_library import FlowLibrary
from app.runstore.history import RunHistory
from app.runstore.output_cache import OutputCache
from app.settings import Settings


@dataclass(frozen=True)
class RunDatabase:
    history: RunHistory | None = None
    cache: OutputCache | None = None
    flows: FlowLibrary | None = None

    @classmethod
    def open(cls, settings: Settings, *, upkeep: bool = True) -> RunDatabase:
        """Connect and migrate (at start-up), start recording; with upkeep, mark interrupted runs and prune
        (RunHistory.open)."""
        if not settings.run_history:
            return cls()
        store = open_store(settings)
        history = RunHistory(store, max_age_days=settings.run_history_days,
                             max_runs=settings.run_history_max_runs).open(upkeep=upkeep)
        return cls(history, OutputCache(store.engine, int(settings.cache_max_mb * 1024 * 1024)),
                   FlowLibrary(store.engine))
