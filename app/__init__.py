"""The application factory. Imports happen inside create_app so server.py can patch for green threads first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from flask import Flask
    from injector import Module

    from app.settings import Settings


def create_app(settings: Settings | None = None, modules: Iterable[Module] = ()) -> Flask:
    """Build the Flask app with Socket.IO, blueprints and wiring; `modules` override bindings."""
    import logging

    from flask import Flask
    from flask_cors import CORS
    from flask_socketio import SocketIO
    from werkzeug.middleware.proxy_fix import ProxyFix
    from injector import Injector

    from app import concurrency
    from app.settings import load_settings
    from app.storage import retention
    from app.storage.base import Storage
    from app.web import errors, headers, sockets
    from app.web.access import redact_tokens_in_access_logs, resolve_token
    from app.web.front_door import FrontDoor
    from app.web.hosts import HostPolicy, startup_warnings
    from app.web.no_sessions import NoSessions
    from app.web.routes import (
        api_docs,
        api_flows,
        api_runs,
        files,
        health,
        help_pages,
        nodes,
        parameters,
        replicate,
        static_ui,
        uploads,
    )
    from app.web.wire import FastPacket
    from app.web.socket_sink import SocketSinkModule
    from app.wiring import AppModule

    settings = settings or load_settings()
    concurrency.use(settings.async_mode)
    app = Flask(__name__, static_folder=None)
    secret, generated = settings.secret_key()
    if generated:
        logging.getLogger(__name__).warning(
            "FLASK_SECRET_KEY is not set: using a random secret for this process.")
    app.config.update(SECRET_KEY=secret)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.session_interface = NoSessions()
    allowed = settings.allowed_origins()
    CORS(app, origins=allowed)
    hosts = HostPolicy.from_settings(settings)
    token = resolve_token(settings)
    if token is not None:
        redact_tokens_in_access_logs()
    for warning in startup_warnings(settings):
        logging.getLogger(__name__).warning(warning)

    def origin_allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        return origin is None or origin in allowed or hosts.allows_origin(origin)

    socketio = SocketIO(app, async_mode=settings.async_mode, cors_allowed_origins=origin_allowed,
                        max_http_buffer_size=settings.max_flow_bytes * 4 + 1_048_576,
                        logger=False, engineio_logger=False, serializer=FastPacket, manage_session=False,
                        message_queue=settings.redis_url)  # with REDIS_URL any process can emit to any client
    cluster: list[Module] = []
    if settings.executor == "queue":
        from app.cluster.assembly import ClusterModule

        cluster.append(ClusterModule())
    injector = Injector([AppModule(settings), SocketSinkModule(socketio), *cluster, *modules])
    app.extensions["injector"] = injector
    app.extensions["settings"] = settings

    app.extensions["access_token"] = token
    app.wsgi_app = FrontDoor(app.wsgi_app, hosts, token)  # type: ignore[method-assign]
    if settings.trusted_proxies:  # outermost: the client's address and scheme for everything behind
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    # Flask-SocketIO pushes a request context for every Socket.IO event, and a push matches the URL: this rule
    # lets that match succeed at once instead of raising NotFound per event. Engine.io answers /socket.io/
    # before Flask's routing, so the view itself is never called.
    app.add_url_rule("/socket.io/", endpoint="socketio", view_func=lambda: ("", 404))
    errors.register(app)
    headers.register(app)
    for blueprint in (health.bp, api_runs.bp, api_flows.bp, api_docs.bp, help_pages.bp, nodes.bp, parameters.bp,
                      files.bp, uploads.bp, replicate.bp, static_ui.bp):
        app.register_blueprint(blueprint)
    sockets.register(socketio, injector, token)
    retention.start(injector.get(Storage), settings)
    return app


def socketio_of(app: Flask) -> Any:
    return app.extensions["socketio"]
