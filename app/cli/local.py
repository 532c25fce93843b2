"""Runs a flow in this process: the engine without the web server, its events through a queue, the run
recorded in the local run history as started by the CLI."""

from __future__ import annotations

import queue
from typing import Any, Iterator

from injector import Injector, Module, provider, singleton

from app import concurrency
from app.cli.outcome import CliError
from app.engine.channel import EventSink
from app.engine.runs import RunRegistry, RunStart
from app.engine.scheduler import Run, RunServices
from app.engine.service import RunService, StartRequest
from app.errors import UserError
from app.runstore import RunHistory, open_store
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


def open_history(settings: Settings) -> RunHistory | None:
    """The run history, recording. Unlike a server's start-up it marks no run interrupted and prunes nothing:
    a server, or another aiflow, may be running flows in the same history right now."""
    if not settings.run_history:
        return None
    history = RunHistory(open_store(settings), max_age_days=settings.run_history_days,
                         max_runs=settings.run_history_max_runs)
    history.recorder.start()
    return history


class CliBindings(Module):
    """Overrides of the app's wiring: events go to the queue, runs record in the history opened above."""

    def __init__(self, sink: QueueSink, history: RunHistory | None) -> None:
        self._sink = sink
        self._history = history

    @singleton
    @provider
    def sink(self) -> EventSink:
        return self._sink

    @singleton
    @provider
    def runs(self, services: RunServices) -> RunRegistry:
        return RunRegistry(services, self._sink, self._history)


class LocalRunner:
    """start() a run, follow() its events until run_end, cancel() it; close() writes the history out."""

    def __init__(self, settings: Settings) -> None:
        concurrency.use("threading")
        self.where = "in-process" + (", mock providers" if settings.use_mock else "")
        self._sink = QueueSink()
        self._history = open_history(settings)
        self._injector = Injector([AppModule(settings), CliBindings(self._sink, self._history)])
        self._run: Run | None = None

    def start(self, flow: list[Any], *, parameters: dict[str, str], inputs: dict[str, str],
              target: str | None) -> str:
        how = RunStart(sid=SID, started_by="cli", target=target, delta_stream=True)
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
        if self._history is not None:
            self._history.close()
