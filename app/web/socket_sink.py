"""The event sink of the server: python-socketio's emit to one socket of this process (a run's events reach
this process first, relayed if a worker runs it, so they never need the Socket.IO message queue)."""

from __future__ import annotations

from typing import Any

from injector import Binder, Module

from app.engine.channel import EventSink


class SocketIOSink:
    def __init__(self, socketio: Any) -> None:
        self._server = socketio.server  # python-socketio's server: Flask-SocketIO's emit adds nothing a run needs

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self._server.emit(event, payload, to=to, namespace="/", ignore_queue=True)


class SocketSinkModule(Module):
    """Runs' events go to this server's Socket.IO sockets."""

    def __init__(self, socketio: Any) -> None:
        self._socketio = socketio

    def configure(self, binder: Binder) -> None:
        binder.bind(EventSink, to=SocketIOSink(self._socketio))
