"""concurrency.wait_precisely: True as soon as the event is set, False once the time is up (never early)."""

from __future__ import annotations

import threading
import time

from app import concurrency


def test_returns_true_when_set_during_the_long_part() -> None:
    event = threading.Event()
    threading.Timer(0.05, event.set).start()
    started = time.monotonic()
    assert concurrency.wait_precisely(event, 5.0) is True
    assert time.monotonic() - started < 2.0


def test_returns_false_at_the_deadline_and_not_before() -> None:
    event = threading.Event()
    started = time.monotonic()
    assert concurrency.wait_precisely(event, 0.2) is False
    assert time.monotonic() - started >= 0.2


def test_zero_and_short_waits() -> None:
    event = threading.Event()
    assert concurrency.wait_precisely(event, 0) is False
    event.set()
    assert concurrency.wait_precisely(event, 0.01) is True
