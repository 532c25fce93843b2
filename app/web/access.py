"""The access token (AUTH_TOKEN, or generated when bound off loopback): how a request proves it, the editor link."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs

from werkzeug.http import parse_cookie

from app.settings import Settings
from app.web.hosts import WILDCARD_BINDS, binds_loopback

if TYPE_CHECKING:
    from flask import Flask

UNAUTHORIZED = ("Unauthorized: this server needs its access token. Open the link with ?token= from the "
                "server's start-up log, or send 'Authorization: Bearer <token>'.")

Verdict = Literal["ok", "missing", "wrong"]

#: Loggers that write request lines (access logs), where a ?token= would otherwise show.
ACCESS_LOGGERS = ("geventwebsocket.handler", "gevent.pywsgi", "werkzeug", "eventlet.wsgi.server", "engineio.server")
_TOKEN_IN_URL = re.compile(r"(token=)[^&\s\"']+")


class RedactTokens(logging.Filter):
    """Replaces the value of every token= in a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message:
            record.msg, record.args = _TOKEN_IN_URL.sub(r"\1[redacted]", message), None
        return True


def redact_tokens_in_access_logs() -> None:
    """Keep request URLs carrying ?token= out of the logs (idempotent)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


@dataclass(frozen=True)
class AccessToken:
    """The token every request (but /healthcheck) must present, by cookie, bearer header or ?token=."""

    value: str = ""
    generated: bool = False
    cookie_name: str = "aiflow_token"

    def matches(self, candidate: Any) -> bool:
        """Constant-time comparison with the token."""
        if not isinstance(candidate, str) or not candidate:
            return False
        return hmac.compare_digest(candidate.encode(), self.value.encode())

    def presented(self, environ: dict[str, Any]) -> list[str]:
        """Every token the request carries: bearer header, ?token= and the cookie."""
        found = []
        scheme, _, credentials = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            found.append(credentials.strip())
        found += parse_qs(environ.get("QUERY_STRING", "")).get("token", [])
        if cookie := parse_cookie(environ.get("HTTP_COOKIE", "")).get(self.cookie_name):
            found.append(cookie)
        return found

    def verdict(self, environ: dict[str, Any]) -> Verdict:
        """ok when one presented token matches (a stale cookie beside a fresh ?token= is fine)."""
        presented = self.presented(environ)
        if not presented:
            return "missing"
        return "ok" if any(self.matches(candidate) for candidate in presented) else "wrong"

    def admits_socket(self, environ: dict[str, Any], auth: Any) -> bool:
        """A Socket.IO connection: the handshake request's credentials, or the `auth` dict {token}."""
        if isinstance(auth, dict) and self.matches(auth.get("token")):
            return True
        return self.verdict(environ) == "ok"


def resolve_token(settings: Settings) -> AccessToken | None:
    """AUTH_TOKEN when set; a new random token when bound off loopback; otherwise no token (None)."""
    cookie_name = f"aiflow_token_{settings.port}"
    if settings.auth_token:
        return AccessToken(settings.auth_token, generated=False, cookie_name=cookie_name)
    if binds_loopback(settings):
        return None
    return AccessToken(secrets.token_urlsafe(32), generated=True, cookie_name=cookie_name)


def editor_url(app: Flask) -> str:
    """The editor's address for the start-up log; carries ?token= only when the token was generated
    (the one place a generated token is ever shown)."""
    settings: Settings = app.extensions["settings"]
    token: AccessToken | None = app.extensions.get("access_token")
    host = settings.host.strip().lower()
    shown = "localhost" if host in WILDCARD_BINDS or host == "127.0.0.1" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    url = f"http://{shown}:{settings.port}/"
    if token is not None and token.generated:
        url += f"?token={token.value}"
    return url
