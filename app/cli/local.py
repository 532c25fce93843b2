"""Runs a flow in this process: the engine without the web server, its events through a queue, the run
recorded in the local run history as started by the CLI."""

from __future__ import annotations

import queue
from typing import Any, Iterator

from injector import Injector, Module, provider, singleton

from app import concurrency
from app.cli.outcome import CliError
from app.engine.channel import EventSink
from app.engine.runs import RunStart
from app.engine.scheduler import Run
from app.engine.service import RunService, StartRequest
from app.errors import UserError
from app.runstore import RunDatabase
from app.settings import Settings
from app.wiring import AppModule

SID = "cli"  # the "socket" that follows the run: events emitted to it land in the queue
Event = tuple[int, str, dict[str, Any]]


class QueueSink:
    """The engine's event sink: every event of the run, in order, for the command's main thread."""

    def __init__(self) -> None:
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.put((event, payload))


class CliBindings(Module):
    """Overrides of the app's wiring: events go to the queue; the run database is opened without the
    server's start-up upkeep (a server may be running flows in the same history right now)."""

    def __init__(self, sink: QueueSink, database: RunDatabase) -> None:
        self._sink = sink
        self._database = database

    @singleton
    @provider
    def sink(self) -> EventSink:
        return self._sink

    @singleton
    @provider
    def run_database(self) -> RunDatabase:
        return self._database


class LocalRunner:
    """start() a run, follow() its events until run_end, cancel() it; close() writes the history out."""

    def __init__(self, settings: Settings) -> None:
        concurrency.use("threading")
        self.where = "in-process" + (", mock providers" if settings.use_mock else "")
        self._sink = QueueSink()
        self._database = RunDatabase.open(settings, upkeep=False)
        self._injector = Injector([AppModule(settings), CliBindings(self._sink, self._database)])
        self._run: Run | None = None

    def start(self, flow: list[Any], *, parameters: dict[str, str], inputs: dict[str, str],
              target: str | None, cache: bool) -> str:
        how = RunStart(sid=SID, started_by="cli", target=target, delta_stream=True, use_cache=cache)
        try:
            self._run = self._injector.get(RunService).start(
                StartRequest(flow=flow, parameters=parameters, inputs=inputs, how=how))
        except UserError as exc:
            raise CliError(exc.message) from None
        return self._run.run_id

    def follow(self, after_seq: int) -> Iterator[Event]:
        """The run's events after `after_seq`; run_end carries every output whole (no links to large ones)."""
        assert self._run is not None
        while True:
            try:
                event, payload = self._sink.events.get(timeout=0.25)  # a short wait: Ctrl-C is seen at once
            except queue.Empty:
                continue
            seq = int(payload["seq"])
            if seq <= after_seq:
                continue
            if event == "run_end":
                yield seq, event, {**payload, "output": dict(self._run.results)}
                return
            yield seq, event, payload

    def cancel(self) -> None:
        if self._run is not None:
            self._run.cancel()

    def close(self) -> None:
        """Write out what the run left queued: cached outputs, then the history (which closes the database)."""
        if self._database.cache is not None:
            self._database.cache.settle()
        if self._database.history is not None:
            self._database.history.close()
