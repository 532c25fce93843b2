"""WSGI middleware in front of Flask and Socket.IO alike: the Host check, then the access token."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, parse_qsl, quote, urlencode

from werkzeug.http import dump_cookie

from app.web.access import UNAUTHORIZED, AccessToken
from app.web.hosts import HostPolicy

BAD_HOST = "Bad request: this server does not answer to the host named in the Host header."
OPEN_PATHS = ("/healthcheck",)  # load balancers probe it without a token
SOCKETIO_PATH = "/socket.io"
API_PREFIX = "/api/"
COOKIE_MAX_AGE = 7 * 24 * 3600

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _reply(start_response: Callable[..., Any], status: str, message: str,
           headers: list[tuple[str, str]] | None = None, path: str = "") -> list[bytes]:
    """{error} JSON, or RFC 9457 problem details for the run API (/api/)."""
    if path.startswith(API_PREFIX):
        code, title = status.split(" ", 1)
        body = json.dumps({"type": "about:blank", "title": title, "status": int(code), "detail": message}).encode()
        content_type = "application/problem+json"
    else:
        body, content_type = json.dumps({"error": message}).encode(), "application/json"
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), *(headers or [])])
    return [body]


def _query(environ: dict[str, Any], name: str) -> list[str]:
    return parse_qs(environ.get("QUERY_STRING", "")).get(name, [])


class FrontDoor:
    """Refuses a request whose Host is not allowed (400) and, with a token, one without it (401)."""

    def __init__(self, app: WSGIApp, hosts: HostPolicy, token: AccessToken | None) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not self.hosts.allows(environ.get("HTTP_HOST")):
            return _reply(start_response, "400 Bad Request", BAD_HOST, path=path)
        if self.token is None or path in OPEN_PATHS or environ.get("REQUEST_METHOD") == "OPTIONS":
            return self.app(environ, start_response)
        verdict = self.token.verdict(environ)
        is_socket = path == SOCKETIO_PATH or path.startswith(SOCKETIO_PATH + "/")
        if verdict == "ok":
            if not is_socket and environ.get("REQUEST_METHOD") == "GET" and _query(environ, "token"):
                return self._remember(environ, start_response, path)
            return self.app(environ, start_response)
        if verdict == "missing" and is_socket:
            return self.app(environ, start_response)  # the Socket.IO CONNECT must carry auth {token}
        return _reply(start_response, "401 Unauthorized", UNAUTHORIZED, [("WWW-Authenticate", "Bearer")], path)

    def _remember(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str) -> list[bytes]:
        """First visit with ?token=: keep the token in an HttpOnly cookie and go to the clean URL."""
        assert self.token is not None
        query = urlencode([(k, v) for k, v in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
                           if k != "token"])
        # PATH_INFO holds the raw bytes as latin-1; one leading slash so the target stays on this host.
        raw = (environ.get("SCRIPT_NAME", "") + path).encode("latin-1", "replace")
        location = "/" + quote(raw, safe="/").lstrip("/")
        cookie = dump_cookie(self.token.cookie_name, self.token.value, max_age=COOKIE_MAX_AGE, path="/",
                             httponly=True, samesite="Strict", secure=environ.get("wsgi.url_scheme") == "https")
        start_response("302 Found", [("Location", location + (f"?{query}" if query else "")),
                                     ("Set-Cookie", cookie), ("Referrer-Policy", "no-referrer"),
                                     ("Cache-Control", "no-store"), ("Content-Length", "0")])
        return []
