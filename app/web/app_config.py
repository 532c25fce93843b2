"""update_app_config: the local owner changes S3 settings or the Replicate key of the running server."""

from __future__ import annotations

from typing import Any

from injector import Injector

from app.engine.scheduler import RunServices
from app.settings import Settings
from app.storage.base import Storage
from app.wiring import make_storage


def apply_app_config(injector: Injector, values: dict[str, Any]) -> list[str]:
    """Apply non-blank values; rebuild storage when S3 settings changed. Returns the names changed."""
    settings = injector.get(Settings)
    changed = []
    for env_name, value in values.items():
        if isinstance(value, str) and value.strip():
            setattr(settings, env_name.lower(), value.strip())
            changed.append(env_name)
    if any(name.startswith("S3_") for name in changed):
        storage = make_storage(settings)
        injector.binder.bind(Storage, to=storage)
        injector.get(RunServices).storage = storage
    return changed
