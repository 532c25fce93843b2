"""PROVIDER_CONCURRENCY across every worker: slots in a Redis sorted set, each held under a lease (a killed
worker's slots come back when their lease ends); a released slot wakes one waiter through a Redis list."""

from __future__ import annotations

import secrets
import time
from typing import Callable

import redis

from app.cluster.bus import PREFIX

#: Take a slot if fewer than ARGV[3] are held (expired leases dropped first): 1 taken, 0 full.
_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""
#: How long a waiter blocks on the wake-up list before looking again (a lease may have ended meanwhile).
WAKE_TIMEOUT_S = 1


class RedisSlots:
    def __init__(self, client: redis.Redis, lease_s: float) -> None:
        self._redis = client
        self._lease = lease_s
        self._take = client.register_script(_TAKE)

    def _keys(self, name: str) -> tuple[str, str]:
        return f"{PREFIX}:slots:{name}", f"{PREFIX}:slots:{name}:wake"

    def hold(self, name: str, size: int, waiting: Callable[[], None]) -> str:
        held, wake = self._keys(name)
        token = secrets.token_hex(8)
        told = False
        while True:
            now = time.time()
            if self._take(keys=[held], args=[now, now + self._lease, size, token, int(self._lease) + 60]):
                return token
            if not told:
                told = True
                waiting()
            self._redis.blpop([wake], timeout=WAKE_TIMEOUT_S)

    def release(self, name: str, token: str) -> None:
        held, wake = self._keys(name)
        pipe = self._redis.pipeline(transaction=False)
        pipe.zrem(held, token)
        pipe.lpush(wake, 1)
        pipe.ltrim(wake, 0, 0)  # one wake-up is enough: the woken waiter takes the slot or waits again
        pipe.expire(wake, 60)
        pipe.execute()
