"""FILE_RETENTION_HOURS: remove local files older than that, at start-up and then periodically."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from app import concurrency
from app.settings import Settings
from app.storage.base import Storage
from app.storage.local import INCOMING, LocalStorage

log = logging.getLogger(__name__)

#: Unfinished uploads (a crash mid-upload) are removed after this long, retention or not.
STALE_INCOMING_S = 3600.0
MIN_INTERVAL_S = 60.0
MAX_INTERVAL_S = 3600.0


def sweep(folder: Path, max_age_s: float | None, now: float | None = None) -> int:
    """Delete files under `folder` last modified more than `max_age_s` ago (None: keep them), and
    unfinished uploads older than an hour. Returns how many files went."""
    if not folder.is_dir():
        return 0
    now = time.time() if now is None else now
    removed = 0
    for root, _dirs, files in os.walk(folder):
        root_path = Path(root)
        limit = STALE_INCOMING_S if root_path == folder / INCOMING else max_age_s
        if limit is None:
            continue
        for name in files:
            path = root_path / name
            try:
                if now - path.stat().st_mtime > limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("retention: could not remove %s: %s", path, exc)
    return removed


def interval_for(max_age_s: float) -> float:
    """How often to sweep: a quarter of the retention, between a minute and an hour."""
    return max(MIN_INTERVAL_S, min(MAX_INTERVAL_S, max_age_s / 4))


def start(storage: Storage, settings: Settings) -> concurrency.Task | None:
    """Sweep the local folder now (in the background) and, with FILE_RETENTION_HOURS, periodically."""
    if not isinstance(storage, LocalStorage):
        return None
    folder = storage.folder
    hours = settings.file_retention_hours
    max_age_s = hours * 3600 if hours is not None and hours > 0 else None

    def run() -> None:
        try:
            removed = concurrency.run_blocking(sweep, folder, max_age_s)
            if removed:
                log.info("retention: removed %d old file(s) from %s", removed, folder)
        except Exception:
            log.exception("retention sweep failed")
        if max_age_s is not None:
            concurrency.spawn_later(interval_for(max_age_s), run)

    return concurrency.spawn(run)
