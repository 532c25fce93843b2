"""Draining shutdown: refuse new runs, let running ones finish within a grace period, interrupt the rest."""

from __future__ import annotations

import logging
from typing import Callable

from app import concurrency
from app.engine.runs import RunRegistry

log = logging.getLogger(__name__)

SHUTTING_DOWN = "The server is shutting down: the run was not started. Try again in a moment."
#: After the last run_end, how long the event loop keeps running so those events reach their clients.
FLUSH_S = 0.5


class Drain:
    """One shutdown of the server: begin() on the first signal; a second signal skips the grace."""

    def __init__(self, runs: RunRegistry, grace_s: float, exit_process: Callable[[int], None],
                 flush: Callable[[], object] | None = None) -> None:
        self.runs = runs
        self.grace_s = grace_s
        self.exit_process = exit_process
        self.flush = flush  # writes still queued (the output cache's) reach the database before the exit
        self._begun = False

    def begin(self) -> None:
        if self._begun:
            log.warning("Second stop signal: interrupting the runs still going now.")
            concurrency.spawn(self.runs.cancel_all, "interrupted")  # the registry turns idle: run() goes on
            return
        self._begun = True
        concurrency.spawn(self.run)

    def run(self) -> None:
        """Drain, then exit the process with status 0."""
        self.runs.refuse_new_runs(SHUTTING_DOWN)
        active = self.runs.active_count()
        log.info("Shutting down: no new runs; %d running, waiting up to %g s for them.", active, self.grace_s)
        self.runs.wait_idle(self.grace_s)
        left = self.runs.active_count()
        if left:
            log.warning("Shutting down: interrupting %d run(s) still going.", left)
            self.runs.cancel_all("interrupted")
        if active or left:
            concurrency.sleep(FLUSH_S)
        if self.flush is not None:
            self.flush()
        if self.runs.history is not None:
            self.runs.history.close()  # what is queued reaches the database before the process ends
        log.info("Shut down.")
        self.exit_process(0)
