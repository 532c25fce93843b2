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
    """Call once, before the server listens. Warms the provider SDKs up (unless mocked), so the first
    requests never wait behind their imports; freezes the start-up heap (modules, SDK validators, catalogue:
    ~300,000 long-lived objects) so the collector's full passes skip it and do not stall the event loop;
    installs the draining shutdown on SIGTERM and SIGINT (SHUTDOWN_GRACE_S)."""
    injector = app.extensions["injector"]
    settings = injector.get(Settings)
    if not settings.use_mock:
        warm_up()
    drain = Drain(injector.get(RunRegistry), settings.shutdown_grace_s, _exit)
    for signum in (signal.SIGTERM, signal.SIGINT):
        concurrency.on_signal(signum, drain.begin)
    gc.collect()
    gc.freeze()
    return drain


def _exit(status: int) -> None:
    logging.shutdown()
    os._exit(status)
