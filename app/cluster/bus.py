"""What web processes and workers share in Redis: each run's event stream (ids are seqs), the set of runs
going, a worker's heartbeat per run, the cancel channel, and how many sockets follow a run anywhere."""

from __future__ import annotations

from typing import Any, Iterator

import orjson
import redis

PREFIX = "aiflow"
CANCEL_CHANNEL = f"{PREFIX}:cancel"
ACTIVE = f"{PREFIX}:runs:active"
#: A worker refreshes the heartbeat of each of its runs this often; it lasts ALIVE_TTL_S.
HEARTBEAT_S = 2.0
ALIVE_TTL_S = 6
STREAM_MAXLEN = 20_000
WAKE_TTL_S = 3600
#: Connections to Redis one process may hold (its green threads share them; past it, one waits for a connection).
MAX_CONNECTIONS = 1000

Event = tuple[int, str, dict[str, Any]]  # (seq, event name, wire payload)


def _stream(run_id: str) -> str:
    return f"{PREFIX}:run:{run_id}:events"


class RedisBus:
    def __init__(self, url: str, stream_ttl_s: int) -> None:
        self.redis = redis.Redis(connection_pool=redis.BlockingConnectionPool.from_url(
            url, max_connections=MAX_CONNECTIONS, timeout=None))
        self._ttl = stream_ttl_s

    # ---- events -----------------------------------------------------------------------------------
    def append(self, run_id: str, seq: int, name: str, payload: dict[str, Any]) -> None:
        """Add one event at id `seq-0`."""
        self.append_many(run_id, [(seq, name, payload)])

    def append_many(self, run_id: str, events: list[Event]) -> None:
        """Add events in order, at ids `seq-0`, in one round trip; the stream is trimmed and expires
        RUN_STREAM_TTL_S after its last event."""
        key = _stream(run_id)
        pipe = self.redis.pipeline(transaction=False)
        for seq, name, payload in events:
            pipe.xadd(key, {"e": name, "p": orjson.dumps(payload)}, id=f"{seq}-0", maxlen=STREAM_MAXLEN,
                      approximate=True)
        pipe.expire(key, self._ttl)
        pipe.execute()

    def read(self, run_id: str, after_seq: int, block_ms: int | None) -> Iterator[Event]:
        """Events after `after_seq` (waiting up to `block_ms` for the first one; None: not at all)."""
        events, _ = self.read_many({run_id: after_seq}, block_ms)
        yield from events.get(run_id, [])

    def read_many(self, after: dict[str, int], block_ms: int | None,
                  wake: tuple[str, str] | None = None) -> tuple[dict[str, list[Event]], str | None]:
        """Events of several runs, each after its seq, in one read. `wake` (key, last id seen) is a stream whose
        new entries end the wait: the answer's second part is then the wake stream's newest id."""
        runs = {_stream(run_id): run_id for run_id in after}
        streams = {key: f"{after[run_id]}-0" for key, run_id in runs.items()}
        if wake is not None:
            streams[wake[0]] = wake[1]
        events: dict[str, list[Event]] = {}
        woken = None
        for key, entries in self.redis.xread(streams, block=block_ms, count=500) or []:  # type: ignore[arg-type]
            name = key.decode()
            if name in runs:
                events[runs[name]] = [(int(entry_id.split(b"-", 1)[0]), fields[b"e"].decode(),
                                       orjson.loads(fields[b"p"])) for entry_id, fields in entries]
            elif entries:
                woken = entries[-1][0].decode()
        return events, woken

    def wake(self, key: str) -> None:
        """Add an entry to a wake stream (it ends the read_many waiting on it)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.xadd(key, {"w": 1}, maxlen=16, approximate=True)
        pipe.expire(key, WAKE_TTL_S)
        pipe.execute()

    def quiet_runs_gone(self, run_ids: list[str], after: dict[str, int]) -> list[str]:
        """Of runs no event came from for a while: those no longer going whose stream holds nothing new."""
        pipe = self.redis.pipeline(transaction=False)
        for run_id in run_ids:
            pipe.sismember(ACTIVE, run_id)
            pipe.xrevrange(_stream(run_id), count=1)
        answers = pipe.execute()
        gone = []
        for index, run_id in enumerate(run_ids):
            active, last = answers[2 * index], answers[2 * index + 1]
            last_seq = int(last[0][0].split(b"-", 1)[0]) if last else 0
            if not active and last_seq <= after[run_id]:
                gone.append(run_id)
        return gone

    def last_seq(self, run_id: str) -> int:
        entries = self.redis.xrevrange(_stream(run_id), count=1)
        return int(entries[0][0].split(b"-", 1)[0]) if entries else 0

    # ---- runs going -------------------------------------------------------------------------------
    def enqueued(self, run_id: str) -> None:
        self.redis.sadd(ACTIVE, run_id)

    def is_active(self, run_id: str) -> bool:
        return bool(self.redis.sismember(ACTIVE, run_id))

    def active(self) -> list[str]:
        return [member.decode() for member in self.redis.smembers(ACTIVE)]

    def claim_end(self, run_id: str) -> bool:
        """Take the run out of the set of runs going; True only for the one caller that did."""
        return bool(self.redis.srem(ACTIVE, run_id))

    def picked(self, run_id: str) -> None:
        """A worker has begun the run (from now on, a missing heartbeat means the worker is lost)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(f"{PREFIX}:run:{run_id}:picked", 1, ex=self._ttl)
        pipe.set(f"{PREFIX}:run:{run_id}:alive", 1, ex=ALIVE_TTL_S)
        pipe.execute()

    def heartbeat(self, run_ids: list[str]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for run_id in run_ids:
            pipe.set(f"{PREFIX}:run:{run_id}:alive", 1, ex=ALIVE_TTL_S)
        pipe.execute()

    def lost(self, run_id: str) -> bool:
        """The run was begun by a worker whose heartbeat stopped."""
        picked, alive = self.redis.mget(f"{PREFIX}:run:{run_id}:picked", f"{PREFIX}:run:{run_id}:alive")
        return picked is not None and alive is None

    # ---- cancel and followers -----------------------------------------------------------------------
    def cancel(self, run_id: str) -> None:
        """Tell the worker running it (at once), or the one that picks it up later (the mark)."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(f"{PREFIX}:run:{run_id}:cancelled", 1, ex=self._ttl)
        pipe.publish(CANCEL_CHANNEL, run_id)
        pipe.execute()

    def cancel_requested(self, run_id: str) -> bool:
        return bool(self.redis.exists(f"{PREFIX}:run:{run_id}:cancelled"))

    def cancellations(self) -> Iterator[str]:
        """Run ids as cancel requests arrive (blocks; for a worker's listener task)."""
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CANCEL_CHANNEL)
        for message in pubsub.listen():
            if message.get("type") == "message":
                yield message["data"].decode()

    def followers_changed(self, run_id: str, delta: int) -> int:
        """Sockets following the run in every web process, after adding `delta`."""
        key = f"{PREFIX}:run:{run_id}:followers"
        pipe = self.redis.pipeline(transaction=False)
        pipe.incrby(key, delta)
        pipe.expire(key, self._ttl)
        return int(pipe.execute()[0])
