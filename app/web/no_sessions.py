"""The app keeps no Flask sessions: opening one per Socket.IO event must cost nothing."""

from __future__ import annotations

from typing import Any

from flask.sessions import SessionInterface


class NoSessions(SessionInterface):
    """Flask then uses its empty, read-only null session (no cookie parsing or signing per request)."""

    def open_session(self, app: Any, request: Any) -> None:
        return None

    def save_session(self, app: Any, session: Any, response: Any) -> None:
        return None
