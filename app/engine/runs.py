"""Active runs, by runId and by socket: admit, start, cancel, cancel everything of a disconnected client."""

from __future__ import annotations

import uuid
from collections import Counter

from app import concurrency
from app.engine.events import EventSink, RunEvents
from app.engine.flow import Flow
from app.engine.large_values import LargeValues
from app.engine.scheduler import Run, RunServices
from app.errors import UserError


class Admission:
    """A client's place for one run, taken before its flow is parsed; a started run takes it over."""

    def __init__(self, registry: RunRegistry, sid: str | None) -> None:
        self._registry = registry
        self.sid = sid
        self.held = True

    def release(self) -> None:
        """Give the place back (no-op once a run took it over, or when already released)."""
        if self.held:
            self.held = False
            self._registry._release(self.sid)


class RunRegistry:
    def __init__(self, services: RunServices, sink: EventSink) -> None:
        self.services = services
        self.sink = sink
        self._runs: dict[str, Run] = {}
        self._per_client: Counter[str] = Counter()
        self._refusal: str | None = None
        self._lock = concurrency.lock()
        self._idle = concurrency.event()  # set while no run is going
        self._idle.set()

    def admit(self, sid: str | None) -> Admission:
        """A place for one more run of this client; UserError when it has MAX_RUNS_PER_CLIENT runs
        going (or being parsed) already, or when the server no longer takes runs."""
        with self._lock:
            if self._refusal is not None:
                raise UserError(self._refusal, status=503)
            if sid is not None:
                limit = self.services.settings.max_runs_per_client
                if self._per_client[sid] >= limit:
                    raise UserError(f"Too many runs at once: this client already has {limit} runs going "
                                    "(the limit is MAX_RUNS_PER_CLIENT). Wait for one to end.", status=429)
                self._per_client[sid] += 1
        return Admission(self, sid)

    def _release(self, sid: str | None) -> None:
        if sid is None:
            return
        with self._lock:
            self._per_client[sid] -= 1
            if self._per_client[sid] <= 0:
                del self._per_client[sid]

    def refuse_new_runs(self, message: str) -> None:
        """From now on every admit() fails with this message (the server is shutting down)."""
        with self._lock:
            self._refusal = message

    def start(self, flow: Flow, *, sid: str | None, api_keys: dict[str, str], run_id: str | None = None,
              target: str | None = None, delta_stream: bool = False, base_url: str | None = None,
              admission: Admission | None = None) -> Run:
        """Start a run of the whole flow, or (with `target`) of that node and the ancestors it needs."""
        admission = admission or self.admit(sid)
        try:
            run_id = run_id or uuid.uuid4().hex
            to_run = flow.ancestors_to_run(target) if target else set(flow.nodes)
            events = RunEvents(self.sink, sid, run_id,
                               stream_interval=self.services.settings.stream_interval_ms / 1000,
                               delta_stream=delta_stream, secrets=list(api_keys.values()), target=target,
                               large=LargeValues(self.services.storage, base_url,
                                                 self.services.settings.max_event_bytes))
            run = Run(run_id=run_id, sid=sid, flow=flow, to_run=to_run, api_keys=api_keys, events=events,
                      services=self.services, target=target, base_url=base_url, on_finish=self._forget)
            with self._lock:
                if run_id in self._runs:
                    raise UserError(f"A run with id '{run_id}' is already running.", status=409)
                self._runs[run_id] = run
                self._idle.clear()
                admission.held = False  # the run holds the place now; _forget gives it back
        finally:
            admission.release()
        return run.start()

    def _forget(self, run: Run) -> None:
        with self._lock:
            if self._runs.get(run.run_id) is run:
                del self._runs[run.run_id]
                self._release(run.sid)
                if not self._runs:
                    self._idle.set()

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

    def wait_idle(self, timeout: float | None) -> bool:
        """Wait until no run is going (True), or `timeout` seconds (False)."""
        return bool(self._idle.wait(timeout))

    def cancel_all(self, status: str = "cancelled") -> None:
        """Cancel every run; each ends with run_end of this status ("interrupted" at shutdown)."""
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.cancel(status)
