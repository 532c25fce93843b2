"""Active runs, by runId and by socket: start, cancel, cancel everything of a disconnected client."""

from __future__ import annotations

import uuid
from typing import Any

from app import concurrency
from app.engine.events import EventSink, RunEvents
from app.engine.flow import Flow
from app.engine.large_values import LargeValues
from app.engine.scheduler import Run, RunServices
from app.errors import UserError


class RunRegistry:
    def __init__(self, services: RunServices, sink: EventSink) -> None:
        self.services = services
        self.sink = sink
        self._runs: dict[str, Run] = {}
        self._lock = concurrency.lock()

    def start(self, flow: Flow, *, sid: str | None, api_keys: dict[str, str], run_id: str | None = None,
              target: str | None = None, delta_stream: bool = False, base_url: str | None = None) -> Run:
        """Start a run of the whole flow, or (with `target`) of that node and the ancestors it needs."""
        run_id = run_id or uuid.uuid4().hex
        to_run = flow.ancestors_to_run(target) if target else set(flow.nodes)
        events = RunEvents(self.sink, sid, run_id,
                           stream_interval=self.services.settings.stream_interval_ms / 1000,
                           delta_stream=delta_stream, secrets=list(api_keys.values()), target=target,
                           large=LargeValues(self.services.storage, base_url, self.services.settings.max_event_bytes))
        run = Run(run_id=run_id, sid=sid, flow=flow, to_run=to_run, api_keys=api_keys, events=events,
                  services=self.services, target=target, base_url=base_url, on_finish=self._forget)
        with self._lock:
            if run_id in self._runs:
                raise UserError(f"A run with id '{run_id}' is already running.", status=409)
            self._runs[run_id] = run
        return run.start()

    def _forget(self, run: Run) -> None:
        with self._lock:
            if self._runs.get(run.run_id) is run:
                del self._runs[run.run_id]

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def of_socket(self, sid: str) -> list[Run]:
        with self._lock:
            return [run for run in self._runs.values() if run.sid == sid]

    def cancel(self, sid: str, run_id: str | None = None) -> list[str]:
        """Cancel one run of this socket (or all of them); another socket's runs are out of reach."""
        if run_id is not None:
            run = self._runs.get(run_id)
            runs = [run] if run is not None and run.sid == sid else []
        else:
            runs = self.of_socket(sid)
        for run in runs:
            run.cancel()
        return [run.run_id for run in runs]

    def active_count(self) -> int:
        return len(self._runs)

    def cancel_all(self) -> None:
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.cancel()


def describe(run: Run) -> dict[str, Any]:
    return {"runId": run.run_id, "nodes": {n: s.value for n, s in run.states.items()}}
