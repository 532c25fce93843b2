"""SSE formatting and following: replay then live with no gap, batches, the end, a lagging follower dropped,
and a closed response no longer listening (threading mode; the integration tests cover every mode)."""

from __future__ import annotations

from typing import Any

from app import concurrency
from app.engine.channel import RunChannel
from app.engine.event_types import NodeStarted, RunEnded
from app.web.api import event_stream


class NullSink:
    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        pass


def channel_with(events: int) -> RunChannel:
    concurrency.use("threading")
    channel = RunChannel("run-1", NullSink(), None, max_tail_chars=10**9)
    for seq in range(1, events + 1):
        channel.publish(seq, NodeStarted(f"n{seq}"))
    return channel


def parse(chunks: list[bytes]) -> list[int]:
    text = b"".join(chunks).decode()
    return [int(line[4:]) for line in text.splitlines() if line.startswith("id: ")]


def test_sse_format() -> None:
    assert event_stream.sse(7, "progress", {"a": "é\n"}) == \
        b'id: 7\nevent: progress\ndata: {"a":"\xc3\xa9\\n"}\n\n'


def test_replay_then_live_then_end() -> None:
    channel = channel_with(600)
    stream = event_stream.follow(channel, 100, max_lag=10, heartbeat_s=5)
    chunks = [next(stream)]  # opened: subscribed, the 500 missed events queued whole (not counted as lag)
    assert chunks[0] == event_stream.OPENED and channel.watched
    chunks += [next(stream), next(stream)]  # batches of at most BATCH events
    channel.publish(601, NodeStarted("late"))
    channel.publish(602, RunEnded({}, "completed"))
    chunks += list(stream)
    assert parse(chunks) == list(range(101, 603))
    assert not channel.watched


def test_a_follower_that_lags_is_dropped() -> None:
    channel = channel_with(3)
    stream = event_stream.follow(channel, 0, max_lag=5, heartbeat_s=5)
    next(stream)
    for seq in range(4, 20):  # nobody reads: past 3 queued + 5 more, the follower is dropped
        channel.publish(seq, NodeStarted(f"n{seq}"))
    rest = list(stream)
    assert rest[-1].endswith(event_stream.LAGGED)
    assert parse(rest) == list(range(1, 9))
    assert not channel.watched


def test_heartbeat_while_idle_and_close_stops_listening() -> None:
    channel = channel_with(1)
    stream = event_stream.follow(channel, 1, max_lag=5, heartbeat_s=0.05)
    assert next(stream) == event_stream.OPENED
    assert next(stream) == event_stream.HEARTBEAT
    stream.close()  # the client went away
    assert not channel.watched


def test_an_ended_channel_ends_the_stream_even_with_nothing_to_replay() -> None:
    channel = channel_with(2)
    channel.publish(3, RunEnded({}, "completed"))
    assert parse(list(event_stream.follow(channel, 3, max_lag=5, heartbeat_s=5))) == []
    assert parse(list(event_stream.follow(channel, 1, max_lag=5, heartbeat_s=5))) == [2, 3]


def test_replay_batches() -> None:
    events = [(seq, "progress", {"seq": seq}) for seq in range(1, 1001)]
    chunks = list(event_stream.replay(events))
    assert parse(chunks) == list(range(1, 1001)) and len(chunks) == 1 + -(-1000 // event_stream.BATCH)
