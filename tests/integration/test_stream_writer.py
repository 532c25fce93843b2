"""A worker's StreamWriter against a real redis-server: order, batches in one round trip, run_end after the hook."""

from __future__ import annotations

import threading
from typing import Any

from app import concurrency
from app.cluster.bus import RedisBus
from app.cluster.stream_writer import StreamWriter
from tests.cluster_support import RedisServer


class HeldBus(RedisBus):
    """A real bus whose first append waits for `release`, and which counts its round trips."""

    def __init__(self, url: str) -> None:
        super().__init__(url, stream_ttl_s=60)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.batches: list[int] = []

    def append_many(self, run_id: str, events: list[tuple[int, str, dict[str, Any]]]) -> None:
        if not self.batches:
            self.entered.set()
            assert self.release.wait(10)
        self.batches.append(len(events))
        super().append_many(run_id, events)


def test_events_queued_meanwhile_go_in_one_round_trip_in_order(redis_server: RedisServer) -> None:
    concurrency.use("threading")
    bus = HeldBus(redis_server.url)
    seen_at_end: list[int] = []
    writer = StreamWriter(bus, "r1", lambda: seen_at_end.append(bus.last_seq("r1")))
    writer.add(1, "progress", {"seq": 1, "output": "part 1"})
    assert bus.entered.wait(10)  # the writer holds event 1; the scheduler goes on without waiting for it
    for seq in range(2, 101):
        writer.add(seq, "progress", {"seq": seq, "output": f"part {seq}"})
    writer.add(101, "run_end", {"seq": 101, "status": "completed"})
    assert not writer.drain(0.2)  # the first batch is held
    bus.release.set()
    assert writer.drain(10)
    assert bus.batches == [1, 100]
    everything = _read_all(bus, "r1")
    assert [seq for seq, _, _ in everything] == list(range(1, 102))
    assert everything[-1][1] == "run_end" and everything[50][2] == {"seq": 51, "output": "part 51"}
    assert seen_at_end == [1]  # the hook ran before the batch holding run_end was appended


def test_a_batch_redis_refuses_is_dropped_and_the_writer_goes_on(redis_server: RedisServer) -> None:
    concurrency.use("threading")
    bus = RedisBus(redis_server.url, stream_ttl_s=60)
    bus.append("r2", 5, "progress", {"seq": 5})
    writer = StreamWriter(bus, "r2", lambda: None)
    writer.add(3, "progress", {"seq": 3})  # at or below the stream's last id: Redis refuses it
    assert writer.drain(10)
    writer.add(6, "run_end", {"seq": 6})
    assert writer.drain(10)
    assert [seq for seq, _, _ in _read_all(bus, "r2")] == [5, 6]


def _read_all(bus: RedisBus, run_id: str) -> list[tuple[int, str, dict[str, Any]]]:
    found: list[tuple[int, str, dict[str, Any]]] = []
    while batch := list(bus.read(run_id, found[-1][0] if found else 0, block_ms=None)):
        found += batch
    return found
