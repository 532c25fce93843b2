"""A web process's StreamRelay against a real redis-server: many runs in one read, a new run wakes the read,
a run gone without run_end is ended."""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest

from app import concurrency
from app.cluster import relay as relay_module
from app.cluster.bus import RedisBus
from app.cluster.relay import StreamRelay
from app.cluster.remote import RemoteRun
from app.engine.channel import RunChannel
from tests.cluster_support import RedisServer


class Sent:
    """The sink of the channels: what would go to the sockets."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.append((event, payload))


def remote(bus: RedisBus, relay: StreamRelay, run_id: str, sent: Sent, ended: list[str]) -> RemoteRun:
    channel = RunChannel(run_id, sent, None, max_tail_chars=1 << 20)
    channel.followers.add("sid")
    return RemoteRun(run_id, "sid", None, channel, bus, relay, lambda run: ended.append(run.run_id),
                     enqueue=lambda: bus.enqueued(run_id)).start()


def wait_until(predicate: Any, timeout: float) -> float:
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.01)
    return time.monotonic() - started


@pytest.fixture
def bus(redis_server: RedisServer) -> RedisBus:
    concurrency.use("threading")
    return RedisBus(redis_server.url, stream_ttl_s=60)


@pytest.fixture
def relay(bus: RedisBus) -> Iterator[StreamRelay]:
    relay = StreamRelay(bus)
    yield relay
    relay.stop()


def test_one_relay_delivers_every_run_in_order_and_wakes_for_a_new_one(bus: RedisBus, relay: StreamRelay) -> None:
    ended: list[str] = []
    sent = {name: Sent() for name in ("a", "b", "c")}
    first = remote(bus, relay, "a", sent["a"], ended)
    time.sleep(0.3)  # the relay now waits in its blocking read, following "a" only
    late = remote(bus, relay, "b", sent["b"], ended)
    bus.append("b", 1, "progress", {"seq": 1})
    took = wait_until(lambda: sent["b"].events, timeout=3)
    assert took < relay_module.READ_BLOCK_MS / 1000 / 2  # woken, not found at the end of the wait
    remote(bus, relay, "c", sent["c"], ended)
    for seq in range(1, 201):
        for run_id in ("a", "c"):
            bus.append(run_id, seq, "progress", {"seq": seq})
    for run_id in ("a", "b", "c"):
        last = 201 if run_id != "b" else 2
        bus.append(run_id, last, "run_end", {"seq": last, "status": "completed"})
    wait_until(lambda: len(ended) == 3, timeout=10)
    for run_id, count in (("a", 201), ("b", 2), ("c", 201)):
        assert [payload["seq"] for _, payload in sent[run_id].events] == list(range(1, count + 1))
    assert first.finished and late.finished
    assert relay._runs == {}


def test_a_run_that_stopped_going_without_run_end_is_ended(bus: RedisBus, relay: StreamRelay,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay_module, "READ_BLOCK_MS", 300)
    ended: list[str] = []
    sent = Sent()
    run = remote(bus, relay, "lost", sent, ended)
    bus.append("lost", 1, "progress", {"seq": 1})
    wait_until(lambda: sent.events, timeout=3)
    time.sleep(1)
    assert not run.finished  # still going (in the set of runs going): quiet is not lost
    bus.claim_end("lost")  # its worker's sweeper took it out without a run_end this process could read
    wait_until(lambda: run.finished, timeout=5)
    assert ended == ["lost"] and relay._runs == {}
