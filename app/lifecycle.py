"""What the serving process does around serving: a settled heap at start, a draining stop on SIGTERM/SIGINT."""

from __future__ import annotations

import gc
import logging
import os
import signal
from typing import Any

from app import concurrency
from app.engine.runs import RunRegistry
from app.engine.shutdown import Drain
from app.providers.warm_up import warm_up
from app.settings import Settings


def before_serving(app: Any) -> Drain:
    """Call once, before the server listens. Freezes the start-up heap (modules, catalogue: long-lived) so the
    collector's full passes skip it and do not stall the event loop; warms the provider SDKs up on a native
    thread (unless mocked); installs the draining shutdown on SIGTERM and SIGINT (SHUTDOWN_GRACE_S)."""
    injector = app.extensions["injector"]
    settings = injector.get(Settings)
    drain = Drain(injector.get(RunRegistry), settings.shutdown_grace_s, _exit)
    for signum in (signal.SIGTERM, signal.SIGINT):
        concurrency.on_signal(signum, drain.begin)
    gc.collect()
    gc.freeze()
    if not settings.use_mock:
        concurrency.spawn(_warm_up)
    return drain


def _warm_up() -> None:
    """The SDKs' imports and first calls (about a second of CPU) on a native thread: the event loop keeps serving
    meanwhile (the server listens at once); then their ~300,000 long-lived objects are frozen like the rest."""
    concurrency.run_blocking(warm_up)
    gc.freeze()


def _exit(status: int) -> None:
    logging.shutdown()
    os._exit(status)
