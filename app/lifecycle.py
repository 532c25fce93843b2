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
from app.providers.warm_up import start_warm_up
from app.runstore import RunDatabase
from app.settings import Settings


def before_serving(app: Any) -> Drain:
    """Call once, before the server listens. Freezes the start-up heap (modules, catalogue: long-lived) so the
    collector's full passes skip it and do not stall the event loop; warms the provider SDKs up on a native
    thread (unless mocked or PROVIDER_WARM_UP=false); installs the draining shutdown on SIGTERM and SIGINT
    (SHUTDOWN_GRACE_S; queued output-cache writes are flushed before the exit)."""
    injector = app.extensions["injector"]
    settings = injector.get(Settings)
    cache = injector.get(RunDatabase).cache
    drain = Drain(injector.get(RunRegistry), settings.shutdown_grace_s, _exit, cache.settle if cache else None)
    for signum in (signal.SIGTERM, signal.SIGINT):
        concurrency.on_signal(signum, drain.begin)
    gc.collect()
    gc.freeze()
    if settings.provider_warm_up and not settings.use_mock:
        start_warm_up()  # about a second of CPU, on a native thread: the server listens at once
    return drain


def _exit(status: int) -> None:
    logging.shutdown()
    os._exit(status)
