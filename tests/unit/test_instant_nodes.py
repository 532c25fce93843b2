"""Instant nodes (input, transition, display, merger...) run in place: no green thread each, same events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app import concurrency
from app.engine.flow import parse_flow
from app.engine.runs import RunRegistry, RunStart
from app.engine.scheduler import MAX_IN_PLACE, RunServices
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings

REGISTRY = ProcessorRegistry.discover()


class Recorded:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.append((event, payload))


def chain(length: int, **first: Any) -> list[dict[str, Any]]:
    nodes = [{"name": "n0", "processorType": "input-text", "inputs": [], "inputText": "hello", **first}]
    return nodes + [{"name": f"n{i}", "processorType": "transition", "inputs": [{"inputNode": f"n{i - 1}"}]}
                    for i in range(1, length)]


def run(flow: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, mock: bool = False) -> tuple[list, int]:
    concurrency.use("threading")
    spawned = []
    real_spawn = concurrency.spawn
    monkeypatch.setattr(concurrency, "spawn", lambda fn, *a, **k: spawned.append(fn) or real_spawn(fn, *a, **k))
    sink = Recorded()
    settings = Settings(use_mock=mock, mock_delay_min=0, mock_delay_max=0)
    runs = RunRegistry(RunServices(settings=settings, registry=REGISTRY, slots=concurrency.semaphore(8)), sink)
    parsed = parse_flow(json.dumps(flow), REGISTRY, max_bytes=10**7, mock=mock)
    assert runs.start(parsed, {}, RunStart(sid="sid-1")).wait(10)
    return sink.events, len(spawned)


def test_a_chain_of_instant_nodes_needs_no_green_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    events, spawned = run(chain(20), monkeypatch)
    assert spawned == 0
    names = [(e, p.get("instanceName")) for e, p in events if e != "run_end"]
    assert names == [pair for i in range(20) for pair in (("current_node_running", f"n{i}"), ("progress", f"n{i}"))]
    assert events[-1][1]["status"] == "completed" and events[-1][1]["output"]["n19"] == "hello"


def test_a_long_chain_hands_back_the_loop_every_max_in_place_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    events, spawned = run(chain(3 * MAX_IN_PLACE + 5), monkeypatch)
    assert spawned == 3
    assert events[-1][1]["status"] == "completed"


def test_a_mock_sleep_makes_a_node_wait_in_its_own_green_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    events, spawned = run(chain(3, sleepDuration=0.01), monkeypatch, mock=True)
    assert spawned == 1  # n0 sleeps in a green thread; n1, n2 run in place after it
    assert events[-1][1]["status"] == "completed"
