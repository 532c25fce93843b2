"""The web process's run registry with EXECUTOR=queue: runs go to the workers; their events come back through
Redis; sockets of any web process follow them; a run nobody follows anywhere is cancelled after the grace."""

from __future__ import annotations

from typing import Any

from app import concurrency
from app.cluster.bus import RedisBus
from app.cluster.relay import StreamRelay
from app.cluster.remote import RemoteRun
from app.cluster.sealing import seal
from app.engine.channel import EventSink, RunChannel
from app.engine.events import redact_value
from app.engine.flow import Flow
from app.engine.runs import RunRegistry, RunStart
from app.engine.scheduler import RunServices

#: What a worker needs of RunStart (the socket, the client and the flow travel otherwise, or not at all).
SENT_FIELDS = ("run_id", "target", "delta_stream", "base_url", "started_by", "flow_id", "use_cache")


class ReadOnlyHistory:
    """The history as a web process's channel uses it here: read back older events; the worker records."""

    def __init__(self, history: Any) -> None:
        self._history = history

    def record(self, event: str, payload: dict[str, Any]) -> None:
        """The worker that runs the flow records its events."""

    def replay(self, run_id: str, after_seq: int, before_seq: int | None = None) -> list[tuple[int, str, dict]]:
        return self._history.replay(run_id, after_seq, before_seq)  # type: ignore[no-any-return]


class ClusterRegistry(RunRegistry):
    def __init__(self, services: RunServices, sink: EventSink, history: Any, bus: RedisBus, celery: Any,
                 secret: str) -> None:
        super().__init__(services, sink, history)
        self.bus = bus
        self._celery = celery
        self._secret = secret
        self._read_history = ReadOnlyHistory(history) if history is not None else None
        self._relay = StreamRelay(bus)

    def _channel(self, run_id: str) -> RunChannel:
        return RunChannel(run_id, self.sink, self._read_history,
                          max_tail_chars=int(self.services.settings.run_event_tail_mb * 1024 * 1024))

    def _record_start(self, run_id: str, api_keys: dict[str, str], how: RunStart) -> None:
        """Written now, not queued: the worker's first events must find the run's row."""
        if self.history is not None:
            flow = redact_value(how.source, list(api_keys.values()))
            concurrency.run_blocking(self.history.store.record_run_started, run_id, flow, how.target,
                                     how.started_by, how.flow_id)

    def _launch(self, flow: Flow, api_keys: dict[str, str], how: RunStart, run_id: str,
                channel: RunChannel) -> Any:
        sent = {name: getattr(how, name) for name in SENT_FIELDS} | {"run_id": run_id}

        def enqueue() -> None:
            self.bus.enqueued(run_id)
            self._celery.send_task("aiflow.execute_run",
                                   args=[run_id, how.source, seal(api_keys, self._secret), sent])

        if how.sid is not None:
            self.bus.followers_changed(run_id, 1)
        return RemoteRun(run_id, how.sid, how.target, channel, self.bus, self._relay, self._forget, enqueue)

    def _attach(self, run_id: str) -> Any:
        if not self.bus.is_active(run_id):
            return None
        return RemoteRun(run_id, None, None, self._channel(run_id), self.bus, self._relay, self._forget)

    def join(self, sid: str, run_id: str, after_seq: int) -> Any:
        run = super().join(sid, run_id, after_seq)
        if run is not None:
            self.bus.followers_changed(run_id, 1)
        return run

    def socket_gone(self, sid: str) -> None:
        with self._lock:
            followed = [run.run_id for run in self._runs.values() if sid in run.events.channel.followers]
        for run_id in followed:
            self.bus.followers_changed(run_id, -1)
        super().socket_gone(sid)

    def _orphan_expired(self, run: Any) -> None:
        if self.bus.followers_changed(run.run_id, 0) > 0:  # a socket of another web process follows it
            with self._lock:
                self._orphan_timers.pop(run.run_id, None)
            return
        super()._orphan_expired(run)
