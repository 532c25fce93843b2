"""Retention sweep: old local files go, recent ones stay; stale unfinished uploads go after an hour."""

from __future__ import annotations

import os
from pathlib import Path

from app.storage.local import INCOMING
from app.storage.retention import interval_for, sweep


def touch(path: Path, mtime: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    os.utime(path, (mtime, mtime))
    return path


def test_sweep_removes_only_files_older_than_the_retention(tmp_path: Path) -> None:
    now = 1_000_000.0
    old = touch(tmp_path / "old.png", now - 7200)
    old_upload = touch(tmp_path / "uploads" / "old.pdf", now - 7200)
    recent = touch(tmp_path / "recent.png", now - 60)
    stale_part = touch(tmp_path / INCOMING / "a.part", now - 3700)
    live_part = touch(tmp_path / INCOMING / "b.part", now - 10)
    assert sweep(tmp_path, 3600, now) == 3
    assert not old.exists() and not old_upload.exists() and not stale_part.exists()
    assert recent.exists() and live_part.exists()


def test_without_retention_only_stale_unfinished_uploads_go(tmp_path: Path) -> None:
    now = 1_000_000.0
    kept = touch(tmp_path / "ancient.png", now - 10 ** 7)
    stale_part = touch(tmp_path / INCOMING / "a.part", now - 3700)
    assert sweep(tmp_path, None, now) == 1
    assert kept.exists() and not stale_part.exists()


def test_missing_folder_is_fine(tmp_path: Path) -> None:
    assert sweep(tmp_path / "nope", 1.0) == 0


def test_interval_is_bounded() -> None:
    assert interval_for(10) == 60
    assert interval_for(3600 * 2) == 1800
    assert interval_for(3600 * 24 * 30) == 3600


def test_start_sweeps_at_start_up_and_only_for_local_storage(tmp_path: Path) -> None:
    import time

    from app import concurrency
    from app.settings import Settings
    from app.storage.local import LocalStorage
    from app.storage.retention import start

    concurrency.use("threading")
    settings = Settings(LOCAL_STORAGE_FOLDER_NAME=str(tmp_path), FILE_RETENTION_HOURS=1)
    old = touch(tmp_path / "old.png", time.time() - 7200)
    recent = touch(tmp_path / "recent.png", time.time())
    task = start(LocalStorage(settings), settings)
    assert task is not None
    task.join(5)
    assert not old.exists() and recent.exists()
    assert start(object(), settings) is None  # type: ignore[arg-type]
