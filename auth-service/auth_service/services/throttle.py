"""Login throttling: failures per employee code, attempts per client address.

Counters live in Redis when it is configured, so every worker and host shares them; the
embedded mode (one process, no Redis) keeps them in memory. Fixed windows are enough here:
the point is to make guessing slow, not to meter fairly.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class CounterStore(Protocol):
    def increment(self, key: str, window_seconds: int) -> int: ...
    def get(self, key: str) -> int: ...
    def ttl(self, key: str) -> int: ...
    def reset(self, key: str) -> None: ...


class RedisCounterStore:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def increment(self, key: str, window_seconds: int) -> int:
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, window_seconds, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def get(self, key: str) -> int:
        value = self.client.get(key)
        return int(value) if value else 0

    def ttl(self, key: str) -> int:
        return max(int(self.client.ttl(key)), 1)

    def reset(self, key: str) -> None:
        self.client.delete(key)


class MemoryCounterStore:
    def __init__(self) -> None:
        self._counters: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> tuple[int, float]:
        count, expires = self._counters.get(key, (0, 0.0))
        if expires <= time.monotonic():
            return 0, 0.0
        return count, expires

    def increment(self, key: str, window_seconds: int) -> int:
        with self._lock:
            count, expires = self._live(key)
            if not expires:
                expires = time.monotonic() + window_seconds
            self._counters[key] = (count + 1, expires)
            return count + 1

    def get(self, key: str) -> int:
        with self._lock:
            return self._live(key)[0]

    def ttl(self, key: str) -> int:
        with self._lock:
            _, expires = self._live(key)
            return max(int(expires - time.monotonic()), 1)

    def reset(self, key: str) -> None:
        with self._lock:
            self._counters.pop(key, None)
