"""What every provider call shares: fair concurrency slots, the call's progress, plain-words error messages."""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol

import httpx

from app import concurrency
from app.errors import UserError
from app.settings import Settings

#: Told True when a call starts waiting for a slot, False once it has one.
Waiting = Callable[[bool], None]


def key_fingerprint(api_key: str) -> str:
    """A short one-way digest of a key: cache and slot keys never hold the key itself."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


class _Gate:
    """One semaphore and how many callers hold or wait for it (dropped when none do)."""

    __slots__ = ("semaphore", "users")

    def __init__(self, size: int) -> None:
        self.semaphore = concurrency.semaphore(size)
        self.users = 0


class SharedSlots(Protocol):
    """Slots counted across processes (the run workers of a cluster): hold() blocks until one is free."""

    def hold(self, name: str, size: int, waiting: Callable[[], None]) -> Any: ...

    def release(self, name: str, token: Any) -> None: ...


_shared: SharedSlots | None = None


def share_slots(slots: SharedSlots | None) -> None:
    """From now on PROVIDER_CONCURRENCY per provider and key also holds across every process sharing `slots`."""
    global _shared
    _shared = slots


_gates: dict[tuple[str, str | None], _Gate] = {}
_gates_lock = threading.Lock()  # green under gevent/eventlet (monkey-patched); held only around dict access


def _enter(key: tuple[str, str | None], size: int) -> _Gate:
    with _gates_lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = _Gate(size)
        gate.users += 1
        return gate


def _leave(key: tuple[str, str | None], gate: _Gate) -> None:
    with _gates_lock:
        gate.users -= 1
        if gate.users == 0 and _gates.get(key) is gate:
            del _gates[key]

try:  # the OpenAI and Anthropic SDKs moved to httpx2; its errors are not httpx's
    import httpx2

    TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:  # SDK versions still on httpx
    TRANSPORT_ERRORS = (httpx.HTTPError,)


@contextmanager
def provider_slot(settings: Settings, provider: str, api_key: str, waiting: Waiting | None = None
                  ) -> Iterator[None]:
    """At most PROVIDER_CONCURRENCY calls at once per provider and API key (one user's slow calls never hold
    another's), and PROVIDER_CONCURRENCY_TOTAL per provider server-wide. `waiting` hears about queueing."""
    limits = (((provider, key_fingerprint(api_key)), settings.provider_concurrency),
              ((provider, None), settings.provider_concurrency_total))
    held: list[tuple[tuple[str, str | None], _Gate, bool]] = []
    queued = False
    shared, token = _shared, None
    shared_name = f"{provider}:{key_fingerprint(api_key)}"

    def now_waiting() -> None:
        nonlocal queued
        if waiting is not None and not queued:
            queued = True
            waiting(True)

    try:
        for key, size in limits:
            gate = _enter(key, size)
            held.append((key, gate, False))
            if not gate.semaphore.acquire(blocking=False):
                now_waiting()
                gate.semaphore.acquire()
            held[-1] = (key, gate, True)
        if shared is not None:
            token = shared.hold(shared_name, settings.provider_concurrency, now_waiting)
        if queued and waiting is not None:
            waiting(False)
        yield
    finally:
        if shared is not None and token is not None:
            shared.release(shared_name, token)
        for key, gate, acquired in reversed(held):
            if acquired:
                gate.semaphore.release()
            _leave(key, gate)


@dataclass
class ProviderCall:
    """One node's calls to a provider: whose key, how to report queueing, and how far the answer got."""

    provider: str
    settings: Settings
    api_key: str
    waiting: Waiting | None = None
    chunks: int = 0  # stream chunks received so far
    started: float = field(default_factory=time.monotonic)

    def slot(self) -> Any:
        return provider_slot(self.settings, self.provider, self.api_key, self.waiting)

    def timed_out(self) -> UserError:
        """A timeout, with the whole time spent (the SDKs retry a timeout PROVIDER_MAX_RETRIES times)."""
        timeout = self.settings.provider_timeout_s
        spent = time.monotonic() - self.started
        if self.chunks:
            detail = (f"the answer stalled after {self.chunks} chunks: nothing more came within {timeout:g} s "
                      f"(PROVIDER_TIMEOUT_S); {spent:.1f} s in all")
        else:
            attempts = self.settings.provider_max_retries + 1
            tries = f"{attempts} attempts" if attempts > 1 else "1 attempt"
            detail = (f"no answer within {timeout:g} s per attempt (PROVIDER_TIMEOUT_S); gave up after "
                      f"{tries} and {spent:.1f} s in all")
        return provider_error(self.provider, 408, detail)

    def connection_lost(self) -> UserError:
        """A network failure: before the answer started, or in the middle of it."""
        if self.chunks:
            return UserError(f"{self.provider} broke off the answer after {self.chunks} chunks (the connection "
                             "was lost mid-stream); try again.", status=502)
        return provider_error(self.provider, None)

    def malformed(self) -> UserError:
        where = f" after {self.chunks} chunks" if self.chunks else ""
        return UserError(f"{self.provider} sent a malformed response{where} (not the documented format); "
                         "try again later.", status=502)


_STATUS_WORDS = {
    400: "rejected the request as invalid",
    401: "rejected the API key (check it in the settings)",
    403: "refused access (the key may lack permission for this model)",
    404: "does not know this model or resource",
    408: "timed out",
    409: "reported a conflict",
    413: "found the request too large",
    422: "could not process the input",
    429: "is rate-limiting requests or the quota is used up; try again later",
}


def provider_error(provider: str, status: int | None, detail: str | None = None) -> UserError:
    """A UserError naming the provider and the cause in plain words (never a traceback or a key)."""
    if status is None:
        cause = "could not be reached (network error or timeout)"
    elif status >= 500:
        cause = f"had a server error ({status}); try again later"
    else:
        cause = _STATUS_WORDS.get(status, f"answered with an error ({status})")
    message = f"{provider} {cause}."
    if detail:
        detail = " ".join(str(detail).split())[:500]
        message += f" Details: {detail}"
    return UserError(message, status=502)


def stream_error(provider: str, message: str | None) -> UserError:
    """The provider reported a failure in the middle of an answer."""
    detail = " ".join(str(message or "no details given").split())[:500]
    return UserError(f"{provider} reported an error while answering: {detail}", status=502)


def body_message(body: Any, fallback: str | None) -> str | None:
    """The human message inside a provider's JSON error body ({error: {message}} or {message})."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
    return fallback
