"""What a worker process runs: whole runs with the same scheduler, their events appended to Redis streams,
a heartbeat per run, and cancel requests from any web process."""

from __future__ import annotations

import logging
from typing import Any

from injector import Binder, Injector, Module

from app import concurrency
from app.cluster.bus import HEARTBEAT_S, RedisBus
from app.cluster.ending import end_failed
from app.cluster.sealing import unseal
from app.cluster.stream_writer import StreamWriter
from app.cluster.shared_slots import RedisSlots
from app.engine.channel import EventSink, RunChannel
from app.engine.flow import validate_flow
from app.engine.runs import RunRegistry, RunStart
from app.engine.scheduler import RunServices
from app.errors import UserError
from app.nodes.registry import ProcessorRegistry
from app.providers.common import share_slots
from app.runstore import RunDatabase
from app.settings import Settings

log = logging.getLogger(__name__)
#: How long a run's task waits, after the run's end, for its last events to reach Redis.
DRAIN_S = 30.0


class NoSockets:
    """A worker holds no socket: its runs' events reach followers through the Redis stream."""

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        """Nothing to send here."""


class WorkerBindings(Module):
    def configure(self, binder: Binder) -> None:
        binder.bind(EventSink, to=NoSockets())


class WorkerRuntime:
    def __init__(self, settings: Settings, injector: Injector, secret: str) -> None:
        self.settings = settings
        self.secret = secret
        self.bus = RedisBus(settings.redis_url or "", settings.run_stream_ttl_s)
        self.registry = injector.get(ProcessorRegistry)
        self.history = injector.get(RunDatabase).history
        self.runs = RunRegistry(injector.get(RunServices), NoSockets(), self.history, on_channel=self._to_stream)
        self._writers: dict[str, StreamWriter] = {}

    def start(self) -> WorkerRuntime:
        lease = self.settings.provider_timeout_s * (self.settings.provider_max_retries + 1) + 60
        share_slots(RedisSlots(self.bus.redis, lease))  # PROVIDER_CONCURRENCY holds across every worker
        concurrency.spawn(self._heartbeats)
        concurrency.spawn(self._cancels)
        return self

    def _to_stream(self, channel: RunChannel) -> None:
        writer = StreamWriter(self.bus, channel.run_id, self._history_flushed)
        self._writers[channel.run_id] = writer
        channel.listen(writer.add, 0)

    def _history_flushed(self) -> None:
        if self.history is not None:
            self.history.recorder.flush()  # whoever sees run_end finds the run's end in the history

    def _drain(self, run_id: str) -> None:
        """Every event the run emitted is in its stream (before anything is appended from outside the run)."""
        writer = self._writers.pop(run_id, None)
        if writer is not None and not writer.drain(DRAIN_S):
            log.error("run %s: its last events did not reach Redis within %s s", run_id, DRAIN_S)

    def execute(self, run_id: str, items: list[Any], sealed: str, how: dict[str, Any]) -> None:
        """Run it to its end (the task holds a worker slot meanwhile)."""
        self.bus.picked(run_id)
        try:
            flow = validate_flow(items, self.registry, self.settings.use_mock)
            run = self.runs.start(flow, unseal(sealed, self.secret), RunStart(**how, recorded=True))
            if self.bus.cancel_requested(run_id):
                run.cancel()
            run.wait()
            self._drain(run_id)
        except UserError as exc:
            self._fail(run_id, exc.message)
        except Exception:  # noqa: BLE001 - the run must end for its followers whatever happened
            log.exception("run %s failed in the worker", run_id)
            self._fail(run_id, "The run failed because of an internal error; the worker's log has the details.")
        finally:
            self._writers.pop(run_id, None)
            self.bus.claim_end(run_id)

    def _fail(self, run_id: str, message: str) -> None:
        """End a run that could not start (or broke): an error and a run_end after whatever it already sent."""
        run = self.runs.get(run_id)
        self._drain(run_id)
        if run is None or not run.finished:
            end_failed(self.bus, self.history, run_id, message)

    def _heartbeats(self) -> None:
        while True:
            concurrency.sleep(HEARTBEAT_S)
            ids = self.runs.run_ids()
            if ids:
                try:
                    self.bus.heartbeat(ids)
                except Exception:  # noqa: BLE001 - Redis away for a moment: the next beat may get through
                    log.warning("worker heartbeat failed", exc_info=True)

    def _cancels(self) -> None:
        while True:
            try:
                for run_id in self.bus.cancellations():
                    run = self.runs.get(run_id)
                    if run is not None:
                        run.cancel()
            except Exception:  # noqa: BLE001 - reconnect and listen again
                log.warning("worker: listening for cancel requests failed; listening again", exc_info=True)
                concurrency.sleep(1)
