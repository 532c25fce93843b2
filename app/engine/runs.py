"""Active runs by runId: start, follow (sockets join by runId), cancel, and orphans a disconnect leaves."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Callable

from app import concurrency
from app.engine.admission import Admission, Admissions
from app.engine.channel import EventSink, RunChannel
from app.engine.events import RunEvents, redact_value
from app.engine.flow import Flow
from app.engine.large_values import LargeValues
from app.engine.scheduler import Run, RunServices
from app.errors import UserError

#: Run ids at least this long are capabilities: any socket that knows one may join or cancel that run.
CAPABILITY_ID_LENGTH = 32


def new_run_id() -> str:
    """128 random bits, as 32 hex characters."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class RunStart:
    """Who starts a run, and how its events are shaped."""

    sid: str | None = None  # the socket that starts it (it follows the run at once)
    client: str | None = None  # who the run counts against for MAX_RUNS_PER_CLIENT (default: the socket)
    run_id: str | None = None
    target: str | None = None
    delta_stream: bool = False
    base_url: str | None = None
    started_by: str = "editor"
    flow_id: str | None = None
    use_cache: bool = False  # serve unchanged nodes from the output cache
    source: Any = None  # the flow as sent, for the history
    recorded: bool = False  # its start is in the history already (a worker runs what a web process recorded)


class RunRegistry:
    def __init__(self, services: RunServices, sink: EventSink, history: Any = None,
                 on_channel: Callable[[RunChannel], None] | None = None) -> None:
        self.services = services
        self.sink = sink
        self.history = history  # app.runstore.RunHistory, or None with RUN_HISTORY=false
        self.on_channel = on_channel  # told of each new run's channel (a worker listens to it)
        self.admissions = Admissions(services.settings.max_runs_per_client)
        self._runs: dict[str, Run] = {}
        self._orphan_timers: dict[str, concurrency.Task] = {}
        self._clients: dict[str, str | None] = {}  # run id -> the admission key its place is counted under
        self._lock = concurrency.lock()
        self._idle = concurrency.event()  # set while no run is going
        self._idle.set()

    def admit(self, client: str | None) -> Admission:
        return self.admissions.admit(client)

    def refuse_new_runs(self, message: str) -> None:
        self.admissions.refuse(message)

    def start(self, flow: Flow, api_keys: dict[str, str], how: RunStart,
              admission: Admission | None = None) -> Run:
        """Start a run of the whole flow, or (with `how.target`) of that node and the ancestors it needs."""
        admission = admission or self.admit(how.client or how.sid)
        try:
            run_id = how.run_id or new_run_id()
            with self._lock:
                if run_id in self._runs:
                    raise UserError(f"A run with id '{run_id}' is already running.", status=409)
            self._record_start(run_id, api_keys, how)
            run = self._launch(flow, api_keys, how, run_id, self._channel(run_id))
            with self._lock:
                self._runs[run_id] = run
                self._clients[run_id] = admission.client
                self._idle.clear()
                admission.held = False  # the run holds the place now; _forget gives it back
            if how.sid is not None:
                run.events.channel.follow(how.sid)
        finally:
            admission.release()
        return run.start()

    def _channel(self, run_id: str) -> RunChannel:
        return RunChannel(run_id, self.sink, self.history,
                          max_tail_chars=int(self.services.settings.run_event_tail_mb * 1024 * 1024))

    def _record_start(self, run_id: str, api_keys: dict[str, str], how: RunStart) -> None:
        """Queue the run's start for the history (before its first event, so the batch keeps them in order)."""
        if self.history is not None and not how.recorded:
            self.history.run_started(run_id, redact_value(how.source, list(api_keys.values())), how.target,
                                     how.started_by, how.flow_id)

    def _launch(self, flow: Flow, api_keys: dict[str, str], how: RunStart, run_id: str,
                channel: RunChannel) -> Run:
        """The run itself, not started yet: here, executed by this process's scheduler."""
        settings = self.services.settings
        to_run = flow.ancestors_to_run(how.target) if how.target else set(flow.nodes)
        events = RunEvents(channel, stream_interval=settings.stream_interval_ms / 1000,
                           delta_stream=how.delta_stream, secrets=list(api_keys.values()), target=how.target,
                           large=LargeValues(self.services.storage, how.base_url, settings.max_event_bytes))
        if self.on_channel is not None:
            self.on_channel(channel)
        return Run(run_id=run_id, sid=how.sid, flow=flow, to_run=to_run, api_keys=api_keys, events=events,
                   services=self.services, target=how.target, base_url=how.base_url, use_cache=how.use_cache,
                   on_finish=self._forget)

    def _attach(self, run_id: str) -> Run | None:
        """A run going elsewhere that this process can follow (none here: every run is in this process)."""
        return None

    def live(self, run_id: str) -> Run | None:
        """The run if it is going (here, or, in a cluster, on a worker this process can follow)."""
        run = self._runs.get(run_id)
        if run is not None:
            return run
        attached = self._attach(run_id)
        if attached is None:
            return None
        with self._lock:
            run = self._runs.setdefault(run_id, attached)
            if run is attached:
                self._clients[run_id] = None
                self._idle.clear()
        return run.start() if run is attached else run

    def _forget(self, run: Run) -> None:
        with self._lock:
            if self._runs.get(run.run_id) is run:
                del self._runs[run.run_id]
                self.admissions.release(self._clients.pop(run.run_id, None))
                timer = self._orphan_timers.pop(run.run_id, None)
                if timer is not None:
                    timer.kill()
                if not self._runs:
                    self._idle.set()

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def run_ids(self) -> list[str]:
        with self._lock:
            return list(self._runs)

    def reachable(self, run_id: str, sid: str | None) -> Run | None:
        """The live run if this caller may act on it: its own socket, a follower, or anyone holding a long id."""
        run = self._runs.get(run_id) or (self.live(run_id) if len(run_id) >= CAPABILITY_ID_LENGTH else None)
        if run is None:
            return None
        if sid is None or len(run_id) >= CAPABILITY_ID_LENGTH or sid == run.sid or sid in run.events.channel.followers:
            return run
        return None

    def join(self, sid: str, run_id: str, after_seq: int) -> Run | None:
        """The socket follows a live run from `after_seq` on (None when the run is not live or not reachable)."""
        run = self.reachable(run_id, sid)
        if run is None:
            return None
        self._keep(run_id)
        run.events.channel.follow(sid, after_seq)
        return run

    def _keep(self, run_id: str) -> None:
        with self._lock:
            timer = self._orphan_timers.pop(run_id, None)
        if timer is not None:
            timer.kill()

    def socket_gone(self, sid: str) -> None:
        """A socket disconnected: it follows nothing any more; a run left with no follower waits
        RUN_ORPHAN_GRACE_S for someone to join, then is cancelled."""
        grace = self.services.settings.run_orphan_grace_s
        with self._lock:
            runs = [run for run in self._runs.values()
                    if run.sid == sid or sid in run.events.channel.followers]
        for run in runs:
            channel = run.events.channel
            channel.unfollow(sid)
            if not channel.watched and run.sid is not None:  # an API run goes on without followers
                self._orphaned(run, grace)

    def _orphaned(self, run: Run, grace: float) -> None:
        if grace <= 0:
            run.cancel()
            return
        with self._lock:
            if run.run_id not in self._orphan_timers:
                self._orphan_timers[run.run_id] = concurrency.spawn_later(grace, self._orphan_expired, run)

    def _orphan_expired(self, run: Run) -> None:
        with self._lock:
            self._orphan_timers.pop(run.run_id, None)
        if not run.events.channel.watched:
            run.cancel()

    def cancel(self, sid: str | None, run_id: str | None = None) -> list[str]:
        """Cancel one run this caller may reach (or, without an id, every run this socket follows)."""
        if run_id is not None:
            run = self.reachable(run_id, sid)
            runs = [run] if run is not None else []
        else:
            with self._lock:
                runs = [run for run in self._runs.values() if run.sid == sid or sid in run.events.channel.followers]
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
