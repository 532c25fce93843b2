"""Provider slots: a limit per provider and key, a total per provider, and word of the wait."""

from __future__ import annotations

import threading
import time

from app import concurrency
from app.providers import common
from app.providers.common import provider_slot
from app.settings import Settings


def test_slots_per_key_and_in_total() -> None:
    concurrency.use("threading")
    settings = Settings(PROVIDER_CONCURRENCY=1, PROVIDER_CONCURRENCY_TOTAL=2)
    release = threading.Event()
    inside: list[str] = []
    heard: list[tuple[str, bool]] = []

    def call(key: str) -> None:
        with provider_slot(settings, "P", key, lambda waiting: heard.append((key, waiting))):
            inside.append(key)
            release.wait(5)

    threads = [threading.Thread(target=call, args=(key,)) for key in ("a", "b", "a", "c")]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    assert inside == ["a", "b"]  # the second "a" waits for its key, "c" for the total
    assert heard == [("a", True), ("c", True)]
    release.set()
    for thread in threads:
        thread.join(5)
    assert sorted(inside) == ["a", "a", "b", "c"]
    assert ("a", False) in heard and ("c", False) in heard
    with provider_slot(settings, "Q", "a"):  # another provider: its own slots
        pass
    assert not common._gates  # a slot nobody holds or waits for is dropped (keys come and go)
