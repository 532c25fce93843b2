"""Plain-word reasons for failed fetches (no exception class names reach users)."""

from __future__ import annotations

import errno
import ssl

from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.ssl_match_hostname import CertificateError as NameMismatch

from app.errors import UserError
from app.net_conn import Deadline

_TIMEOUTS = (TimeoutError, ConnectTimeoutError, ReadTimeoutError)


def failure(url: str, exc: BaseException, deadline: Deadline) -> UserError:
    """The UserError for a fetch that failed with `exc`."""
    timeouts = [e for e in _chain(exc) if isinstance(e, _TIMEOUTS) and not isinstance(e, NewConnectionError)]
    if deadline.expired or timeouts:  # (urllib3's NewConnectionError is a ConnectTimeoutError subclass)
        return UserError(f"Fetching '{url}' timed out after {deadline.seconds:g} s.")
    return UserError(f"Could not fetch '{url}': {reason(exc)}.")


def reason(exc: BaseException) -> str:
    chain = _chain(exc)
    if any(isinstance(e, (ssl.SSLCertVerificationError, ssl.CertificateError, NameMismatch)) for e in chain):
        return "the TLS certificate could not be verified"
    if isinstance(exc, SSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        return "the secure (TLS) connection could not be set up"
    if any(isinstance(e, ConnectionRefusedError) or getattr(e, "errno", None) == errno.ECONNREFUSED
           for e in chain):
        return "the connection was refused"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "the connection was reset by the server"
    if isinstance(exc, NewConnectionError) or any(isinstance(e, NewConnectionError) for e in chain):
        return "the server could not be reached"
    if isinstance(exc, ProtocolError):
        return "the server closed the connection without a valid answer"
    return "the server's answer could not be read"


def _chain(exc: BaseException) -> list[BaseException]:
    """exc, its causes and contexts, and exceptions held in its args (urllib3 wraps them there)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        item = todo.pop()
        if item in seen:
            continue
        seen.append(item)
        todo += [e for e in (item.__cause__, item.__context__) if e is not None]
        todo += [a for a in getattr(item, "args", ()) if isinstance(a, BaseException)]
    return seen
