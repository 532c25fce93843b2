"""Build the WSGI server for the async mode: one listening socket with TCP_NODELAY, whole WebSocket frames."""

from __future__ import annotations

import logging
import socket
from typing import Any, Protocol

from app.settings import Settings

log = logging.getLogger(__name__)

NODELAY = (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Server(Protocol):
    def serve_forever(self) -> None: ...


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose accepted connections write small frames at once (no Nagle delay).

    Linux copies TCP_NODELAY from the listener to every accepted socket; the handlers below set it
    again per connection so the behaviour does not depend on that."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(*NODELAY)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def no_delay(sock: Any) -> None:
    try:
        sock.setsockopt(*NODELAY)
    except (OSError, AttributeError):  # not a TCP socket (a test's socketpair, a Unix socket)
        pass


def build_server(app: Any, settings: Settings) -> Server:
    """The server for settings.async_mode, bound to HOST:PORT."""
    listener = listen(settings.host, settings.port)
    if settings.async_mode == "gevent":
        return _GeventServer(app, listener)
    if settings.async_mode == "eventlet":
        return _EventletServer(app, listener)
    return _ThreadingServer(app, listener)


class _WholeWrites:
    """The connection socket as simple-websocket sees it under gevent.

    Each frame is written whole (gevent's send may write part of a large one), and the frames queued
    while one green thread runs leave in one write once it yields: what Nagle's algorithm batched,
    without its wait for the peer's ACK. A write error surfaces on the next send, as engine.io expects."""

    def __init__(self, sock: Any) -> None:
        from app import concurrency

        self._sock = sock
        self._pending: list[bytes] = []
        self._writer: Any = None
        self._error: OSError | None = None
        self._spawn = concurrency.spawn

    def send(self, data: bytes) -> int:
        if self._error is not None:
            raise self._error
        self._pending.append(data)
        if self._writer is None:
            self._writer = self._spawn(self._write_pending)
        return len(data)

    def _write_pending(self) -> None:
        try:
            while self._pending and self._error is None:
                chunk = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
                self._pending.clear()
                try:
                    self._sock.sendall(chunk)
                except OSError as exc:
                    self._error = exc
        finally:
            self._writer = None

    def flush(self) -> None:
        """Wait until every queued frame (a close frame, say) is written."""
        writer = self._writer
        if writer is not None:
            writer.join(5)
        if self._pending and self._error is None:
            self._write_pending()

    def close(self) -> None:
        self.flush()
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _GeventServer:
    """gevent's WSGI server; a WebSocket upgrade hands the connection to simple-websocket (wsproto:
    unmasking and UTF-8 checks in C-speed code) with whole writes, and the connection closes with it."""

    def __init__(self, app: Any, listener: socket.socket) -> None:
        from gevent import pywsgi
        from gevent import socket as gsocket

        class Handler(pywsgi.WSGIHandler):
            def handle(self) -> None:
                no_delay(self.socket)
                super().handle()

            def get_environ(self) -> dict[str, Any]:
                environ = super().get_environ()
                if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                    environ["werkzeug.socket"] = _WholeWrites(self.socket)
                return environ

            def run_application(self) -> None:
                if "werkzeug.socket" not in self.environ:
                    return super().run_application()
                self.close_connection = True  # the socket is the WebSocket's now, never read as HTTP again
                try:
                    super().run_application()
                except ConnectionError:  # engine.io's simple-websocket wrapper: "the WebSocket has ended"
                    pass
                finally:
                    self.environ["werkzeug.socket"].flush()
                return None

            def log_request(self) -> None:  # access lines stay out of the log, as before
                pass

        self._server = pywsgi.WSGIServer(gsocket.socket(fileno=listener.detach()), app,
                                         handler_class=Handler, log=None, error_log=log)

    def serve_forever(self) -> None:
        self._server.serve_forever()


class _EventletServer:
    def __init__(self, app: Any, listener: socket.socket) -> None:
        from eventlet.green import socket as gsocket

        self._app = app
        self._listener = gsocket.socket(fileno=listener.detach())

    def serve_forever(self) -> None:
        import eventlet.wsgi

        eventlet.wsgi.server(self._listener, self._app, log_output=False, debug=False)  # no traceback to clients


class _ThreadingServer:
    """Werkzeug's threaded server (simple-websocket in its werkzeug mode writes blocking, whole frames);
    a connection that became a WebSocket is closed when it ends, never read again as HTTP."""

    def __init__(self, app: Any, listener: socket.socket) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Handler(WSGIRequestHandler):
            def setup(self) -> None:
                super().setup()
                no_delay(self.connection)

            def run_wsgi(self) -> None:
                if self.headers.get("Upgrade", "").lower() == "websocket":
                    self.close_connection = True
                super().run_wsgi()

        host, port = listener.getsockname()[:2]
        self._server = make_server(host, port, app, threaded=True, fd=listener.fileno(), request_handler=Handler)

    def serve_forever(self) -> None:
        self._server.serve_forever()
