"""What every provider call shares: a per-provider concurrency limit and plain-words error messages."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import httpx

from app import concurrency
from app.errors import UserError

_limits: dict[str, Any] = {}

try:  # the OpenAI and Anthropic SDKs moved to httpx2; its errors are not httpx's
    import httpx2

    TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:  # SDK versions still on httpx
    TRANSPORT_ERRORS = (httpx.HTTPError,)


@contextmanager
def provider_slot(provider: str, size: int) -> Iterator[None]:
    """At most `size` calls to one provider at once, server-wide (a wide fan-out queues here)."""
    semaphore = _limits.get(provider)
    if semaphore is None:
        semaphore = _limits.setdefault(provider, concurrency.semaphore(size))
    semaphore.acquire()
    try:
        yield
    finally:
        semaphore.release()


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


def connection_lost(provider: str) -> UserError:
    """The connection to the provider broke (for instance in the middle of a streamed answer)."""
    return UserError(f"{provider} could not be reached or the connection broke off (network error); "
                     "try again.", status=502)


def body_message(body: Any, fallback: str | None) -> str | None:
    """The human message inside a provider's JSON error body ({error: {message}} or {message})."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
    return fallback
