"""Fetch connections: one DNS lookup, address checks, pools pinned to a checked address, a wall-clock deadline."""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from typing import Any, Callable

import certifi
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from app import concurrency

#: host, port -> the addresses to connect to, in order (the default asks the system once).
Resolver = Callable[[str, int], list[str]]

#: urllib3's own default (TCP_NODELAY on), kept explicitly on the pinned connections.
SOCKET_OPTIONS = list(HTTPConnection.default_socket_options)


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of host from the system resolver (socket.getaddrinfo looked up at call time)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


class Deadline:
    """A total time budget on the wall clock: at the deadline the watched socket is shut down, so a blocked
    recv returns at once in every async mode (gevent, eventlet, threads)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._fd: int | None = None
        self._done = False
        self._lock = concurrency.lock()
        self._timer = concurrency.spawn_later(seconds, self._fire)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        """The socket of the connection in use (a new one per redirect hop)."""
        with self._lock:
            self._fd = sock.fileno()
            if self.expired:
                self._shutdown()

    def forget(self) -> None:
        """The watched connection is about to close: never touch its fd again."""
        with self._lock:
            self._fd = None

    def finish(self) -> None:
        """Stop the timer; call before the connection is closed (its fd may be reused afterwards)."""
        with self._lock:
            self._done = True
        self._timer.kill()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._fd is None:
            return
        try:  # through a duplicate fd: works under TLS wrappers and green sockets alike
            with socket.socket(fileno=os.dup(self._fd)) as dup:
                dup.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Watched:
    """A urllib3 connection whose socket the deadline shuts down when time is up."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        self._deadline.watch(sock)
        return sock


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def pinned_pool(scheme: str, address: str, port: int, hostname: str, deadline: Deadline,
                ca_certs: str | None = None) -> HTTPConnectionPool:
    """A one-connection pool that connects to `address` (already checked) while speaking to `hostname`:
    for HTTPS the TLS SNI and the certificate check use the hostname, not the address."""
    common: dict[str, Any] = {"maxsize": 1, "retries": False, "deadline": deadline, "socket_options": SOCKET_OPTIONS}
    if scheme == "https":
        return _HTTPSPool(address, port, server_hostname=hostname, assert_hostname=hostname,
                          cert_reqs="CERT_REQUIRED", ca_certs=ca_certs or certifi.where(), **common)
    return _HTTPPool(address, port, **common)
