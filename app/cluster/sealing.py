"""Run parameters (API keys) sealed for the trip through the broker: Redis may write its memory to disk."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"aiflow-run-parameters:" + secret.encode()).digest()))


def seal(parameters: dict[str, Any], secret: str) -> str:
    return _fernet(secret).encrypt(orjson.dumps(parameters)).decode()


def unseal(token: str, secret: str) -> dict[str, Any]:
    """The parameters; ValueError when the token was sealed with another FLASK_SECRET_KEY."""
    try:
        return dict(orjson.loads(_fernet(secret).decrypt(token.encode())))
    except InvalidToken:
        raise ValueError("run parameters sealed with another FLASK_SECRET_KEY") from None
