"""The dependency-driven runner: a node starts the moment its last parent finishes; no polling."""

from __future__ import annotations

import enum
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import Any, Callable

from app import concurrency
from app.engine.events import RunEvents
from app.engine.flow import Flow
from app.engine.node_cache import NodeCache
from app.errors import UserError
from app.nodes import mock
from app.nodes.base import NodeContext, Processor, normalise_output
from app.nodes.limits import HeldOutputs, check_node_output, output_size
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings

log = logging.getLogger(__name__)

#: Instant nodes run in place per scheduling step; past that they get green threads like the others, so a
#: long chain of them hands the event loop back regularly.
MAX_IN_PLACE = 100
INTERNAL_ERROR = "The node failed because of an internal error; the server log has the details."

#: Nodes of one run started (running or waiting for a pool slot) at once; more wait their turn.
MAX_IN_FLIGHT = 100


class NodeState(enum.Enum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REUSED = "reused"


@dataclass
class RunServices:
    """Server-wide things every run uses (bound once by the injector)."""

    settings: Settings
    registry: ProcessorRegistry
    slots: Any  # a semaphore bounding the nodes running at once, server-wide
    storage: Any = None
    fetcher: Any = None
    cache: Any = None  # app.runstore.OutputCache, or None when there is no run store


@dataclass
class Run:
    """One execution of (part of) a flow for one caller."""

    run_id: str
    sid: str | None
    flow: Flow
    to_run: set[str]
    api_keys: dict[str, str]
    events: RunEvents
    services: RunServices
    target: str | None = None
    base_url: str | None = None
    use_cache: bool = False
    on_finish: Callable[[Run], None] | None = None
    states: dict[str, NodeState] = field(default_factory=dict)
    outputs: dict[str, list[Any] | None] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = concurrency.lock()
        self._finished = concurrency.event()
        self.cancelled = concurrency.event()
        self._stopping = False
        self._failed = False
        self._cancel_status = "cancelled"
        self._in_flight = 0
        self._ready: deque[str] = deque()  # ready nodes waiting for room under MAX_IN_FLIGHT
        self._held = HeldOutputs(self.services.settings)
        self._tasks: dict[str, Any] = {}
        self._begun: set[str] = set()  # nodes whose task has started (killing one that has not would skip its clean-up)
        self._processors: dict[str, Processor] = {}
        self._cache = (NodeCache(self.services.cache, self.services.storage, self.services.registry,
                                 mock=self.services.settings.use_mock)
                       if self.use_cache and self.services.cache is not None else None)
        self._cache_keys: dict[str, str | None] = {}
        graph = {name: [p for p in self.flow.parents[name] if p in self.to_run] for name in self.to_run}
        self._sorter = TopologicalSorter(graph)
        self._sorter.prepare()
        for name, node in self.flow.nodes.items():
            if name in self.to_run:
                self.states[name] = NodeState.PENDING
            elif (reused := node.reusable_output()) is not None:
                self.states[name] = NodeState.REUSED
                self.outputs[name] = reused

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> Run:
        with self._lock:
            self._submit_ready()
            self._maybe_finish()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        return bool(self._finished.wait(timeout))

    @property
    def finished(self) -> bool:
        return bool(self._finished.is_set())

    def cancel(self, status: str = "cancelled") -> None:
        """Stop scheduling, call running nodes' cancel hooks, end with run_end {cancelled: true} and this
        status ("cancelled", or "interrupted" when the server shuts down)."""
        with self._lock:
            if self._finished.is_set() or self.cancelled.is_set():
                return
            self._cancel_status = status
            self.cancelled.set()
            self._stopping = True
            processors = list(self._processors.items())
            tasks = [task for name, task in self._tasks.items() if name in self._begun]
        for name, processor in processors:
            try:
                processor.cancel()
            except Exception:
                log.exception("cancel hook of %s failed", name)
        for task in tasks:
            task.kill()
        self._finish(status)

    # ---- scheduling ------------------------------------------------------------------------
    def _submit_ready(self) -> None:
        """Start ready nodes: instant ones run here and now (up to MAX_IN_PLACE per step), the others get a
        green thread, at most MAX_IN_FLIGHT of this run at once (a wide fan-out starts gradually, so one run
        cannot hold the event loop); each takes a pool slot now if it can (atomically, so a sibling failing
        first cannot drop it), or queues for one and starts only if the run still goes."""
        if self._stopping:
            return
        self._ready.extend(self._sorter.get_ready())
        in_place = MAX_IN_PLACE
        while self._ready and self._in_flight < MAX_IN_FLIGHT and not self._stopping:
            name = self._ready.popleft()
            if in_place and self._is_instant(name):  # no green thread, no slot: run it here, then its children
                in_place -= 1
                self._mark_running(name)
                self._run_in_place(name)
                self._ready.extend(self._sorter.get_ready())
                continue
            if in_place and self._recalled(name):  # its output is in the cache's memory: recorded here and now
                in_place -= 1
                self._ready.extend(self._sorter.get_ready())
                continue
            self._in_flight += 1
            has_slot = bool(self.services.slots.acquire(blocking=False))
            if has_slot:
                self._mark_running(name)
            else:
                self.states[name] = NodeState.QUEUED
            self._tasks[name] = concurrency.spawn(self._execute, name, has_slot)

    def _recalled(self, name: str) -> bool:
        """Serve the node from the output cache's memory, in place (no green thread, no slot, no database)."""
        if self._cache is None:
            return False
        started = time.perf_counter()
        key = self._cache_key(name)
        hit = self._cache.recall(key) if key is not None else None
        if hit is None:
            return False
        self._mark_running(name)
        self._record(name, hit[0], time.perf_counter() - started, cached_at=hit[1])
        return True

    def _is_instant(self, name: str) -> bool:
        node = self.flow.nodes[name]
        cls = self.services.registry.get(node.processorType)
        return cls.instant and (not self.services.settings.use_mock or mock.runs_as_is(cls, node))

    def _run_in_place(self, name: str) -> None:
        try:
            self._record(name, *self._process(self._create(name)))
        except UserError as exc:
            self._fail(name, exc.message)
        except Exception:
            log.exception("node %s (%s) failed", name, self.flow.nodes[name].processorType)
            self._fail(name, INTERNAL_ERROR)

    def _mark_running(self, name: str) -> None:
        self.states[name] = NodeState.RUNNING
        self.events.node_running(name)

    def _maybe_finish(self) -> None:
        if self._in_flight == 0 and (self._stopping or not self._sorter.is_active()):
            status = self._cancel_status if self.cancelled.is_set() else "failed" if self._failed else "completed"
            self._finish(status)

    def _finish(self, status: str) -> None:
        with self._lock:
            if self._finished.is_set():
                return
            for name, state in self.states.items():
                if state in (NodeState.QUEUED, NodeState.RUNNING) and self.cancelled.is_set():
                    self.states[name] = NodeState.CANCELLED
            self.events.run_end(dict(self.results), status=status)
            self._finished.set()
        if self.on_finish is not None:
            self.on_finish(self)

    def _execute(self, name: str, has_slot: bool) -> None:
        self._begun.add(name)
        slots = self.services.slots
        acquired = has_slot
        try:
            if not acquired:
                slots.acquire()
                acquired = True
                with self._lock:
                    if self._stopping:
                        return
                    self._mark_running(name)
            key = self._cache_key(name)
            if key is not None and self._serve_cached(name, key):  # before building the processor: a hit needs none
                return
            with self._lock:
                if self.cancelled.is_set():
                    return
                processor = self._create(name)
                self._processors[name] = processor
            result, duration = self._process(processor)
            with self._lock:
                if self.cancelled.is_set():
                    return
                self._record(name, result, duration)  # its children start in `finally`, once its slot is free
            if key is not None and self._cache is not None:
                self._cache.keep(key, self.flow.nodes[name], result, self.run_id)
        except UserError as exc:
            self._fail(name, exc.message)
        except Exception:
            if self.cancelled.is_set():  # a node torn down by its run's cancel: expected, not a failure
                log.debug("node %s stopped by cancel", name, exc_info=True)
                return
            log.exception("node %s (%s) failed", name, self.flow.nodes[name].processorType)
            self._fail(name, INTERNAL_ERROR)
        finally:
            if acquired:
                slots.release()
            with self._lock:
                self._in_flight -= 1
                self._tasks.pop(name, None)
                self._processors.pop(name, None)
                self._submit_ready()
                self._maybe_finish()

    def _cache_key(self, name: str) -> str | None:
        """The node's cache key, computed once (its parents' outputs are final by the time it is ready)."""
        if self._cache is None:
            return None
        if name not in self._cache_keys:
            self._cache_keys[name] = self._cache.key_for(self.flow.nodes[name], self.outputs)
        return self._cache_keys[name]

    def _serve_cached(self, name: str, key: str) -> bool:
        """Record the node's output from the cache (True), or say there is none to use (False)."""
        started = time.perf_counter()
        hit = self._cache.lookup(key) if self._cache is not None else None
        if hit is None:
            return False
        output, computed_at = hit
        with self._lock:
            if not self.cancelled.is_set():
                self._record(name, output, time.perf_counter() - started, cached_at=computed_at)
        return True

    def _process(self, processor: Processor) -> tuple[Any, float]:
        """Run one node's processor: its output (within MAX_NODE_OUTPUT_MB) and how long it took."""
        started = time.perf_counter()
        result = processor.process()
        duration = time.perf_counter() - started
        check_node_output(output_size(result), self.services.settings)
        return result, duration

    def _record(self, name: str, result: Any, duration: float, cached_at: str | None = None) -> None:
        """A node finished (caller holds the lock): keep its output, tell the caller, free its children."""
        self._held.add(result)
        self.outputs[name] = normalise_output(result)
        self.results[name] = result
        self.states[name] = NodeState.DONE
        self.events.node_done(name, result, duration, cached_at)
        self._sorter.done(name)

    def _fail(self, name: str, message: str) -> None:
        with self._lock:
            if self.cancelled.is_set():
                return
            self.states[name] = NodeState.FAILED
            self._stopping = True
            self._failed = True
            self.events.node_error(name, message)

    def _create(self, name: str) -> Processor:
        node = self.flow.nodes[name]
        services = self.services
        cls = services.registry.get(node.processorType)
        ctx = NodeContext(
            node=node, settings=services.settings, api_keys=self.api_keys,
            output_of=self.outputs.get, stream=lambda text: self.events.node_partial(name, text),
            cancelled=self.cancelled, storage=services.storage, fetcher=services.fetcher,
            run_id=self.run_id, base_url=self.base_url,
            stream_delta=lambda chunk: self.events.node_delta(name, chunk),
            waiting=lambda queued: self.events.node_waiting(name, queued),
        )
        if services.settings.use_mock:
            return mock.create(cls, ctx)
        return cls(ctx)
