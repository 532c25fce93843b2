"""Places for runs: at most MAX_RUNS_PER_CLIENT per client at once, none while the server shuts down."""

from __future__ import annotations

from collections import Counter

from app import concurrency
from app.errors import UserError


class Admission:
    """A client's place for one run, taken before its flow is parsed; a started run takes it over."""

    def __init__(self, admissions: Admissions, client: str | None) -> None:
        self._admissions = admissions
        self.client = client
        self.held = True

    def release(self) -> None:
        """Give the place back (no-op once a run took it over, or when already released)."""
        if self.held:
            self.held = False
            self._admissions.release(self.client)


class Admissions:
    """Counts each client's runs (going, or being parsed); a client without an id is not counted."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._per_client: Counter[str] = Counter()
        self._refusal: str | None = None
        self._lock = concurrency.lock()

    def admit(self, client: str | None) -> Admission:
        """A place for one more run of this client; UserError when it has its limit of runs going
        already, or when the server no longer takes runs."""
        with self._lock:
            if self._refusal is not None:
                raise UserError(self._refusal, status=503)
            if client is not None:
                if self._per_client[client] >= self._limit:
                    raise UserError(f"Too many runs at once: this client already has {self._limit} runs going "
                                    "(the limit is MAX_RUNS_PER_CLIENT). Wait for one to end.", status=429)
                self._per_client[client] += 1
        return Admission(self, client)

    def release(self, client: str | None) -> None:
        if client is None:
            return
        with self._lock:
            self._per_client[client] -= 1
            if self._per_client[client] <= 0:
                del self._per_client[client]

    def refuse(self, message: str) -> None:
        """From now on every admit() fails with this message (the server is shutting down)."""
        with self._lock:
            self._refusal = message
