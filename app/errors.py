"""The one error type whose message is safe to show to users."""

from __future__ import annotations


class UserError(Exception):
    """An error with a plain-words message for the person running the flow.

    Anything else raised by a node is logged with its traceback and shown to the user as a short
    generic message; only a UserError's text reaches the client as is.
    """

    def __init__(self, message: str, *, status: int = 400, nodes: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.nodes = nodes or []

    def __str__(self) -> str:
        return self.message


class ConfigError(RuntimeError):
    """The settings cannot make a working server; the message says what to set (shown at start, no traceback)."""
