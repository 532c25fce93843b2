"""Lost workers: a run begun by a worker whose heartbeat stopped ends failed, once, and is not run again."""

from __future__ import annotations

import logging
from typing import Any

from app import concurrency
from app.cluster.bus import RedisBus
from app.cluster.ending import end_failed

log = logging.getLogger(__name__)
SWEEP_EVERY_S = 3.0
WORKER_LOST = ("The worker running this flow stopped before the run ended (worker lost). The run was not "
               "started again, since its provider calls may have been paid for already: run it again if needed.")


class LostWorkerSweeper:
    """Every web process sweeps; removing the run from the set of runs going decides which one ends it."""

    def __init__(self, bus: RedisBus, history: Any) -> None:
        self._bus = bus
        self._history = history

    def start(self) -> LostWorkerSweeper:
        concurrency.spawn(self._loop)
        return self

    def _loop(self) -> None:
        while True:
            concurrency.sleep(SWEEP_EVERY_S)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - Redis away for a moment: sweep again later
                log.warning("sweeping for lost workers failed", exc_info=True)

    def sweep(self) -> list[str]:
        ended = []
        for run_id in self._bus.active():
            if self._bus.lost(run_id) and self._bus.claim_end(run_id):
                log.warning("run %s: its worker was lost; the run ends failed", run_id)
                end_failed(self._bus, self._history, run_id, WORKER_LOST)
                ended.append(run_id)
        return ended
