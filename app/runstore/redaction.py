"""Strip secret-looking fields from a flow before it is stored (keys travel in parameters, never stored)."""

from __future__ import annotations

from typing import Any

SECRET_NAMES = frozenset({"api_key", "apikey", "token", "password", "secret"})


def is_secret_name(name: str) -> bool:
    """True for field names like openai_api_key, apiKey, token, password, secret."""
    lowered = name.lower()
    return lowered in SECRET_NAMES or lowered.endswith("_api_key")


def strip_secrets(value: Any) -> Any:
    """A copy of `value` with every dict entry under a secret-looking name removed, at any depth."""
    if isinstance(value, dict):
        return {key: strip_secrets(item) for key, item in value.items()
                if not (isinstance(key, str) and is_secret_name(key))}
    if isinstance(value, list):
        return [strip_secrets(item) for item in value]
    return value
