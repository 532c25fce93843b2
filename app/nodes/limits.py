"""How large a node's output may grow: a cheap size measure and checks that name the setting."""

from __future__ import annotations

from typing import Any

from app.errors import UserError
from app.settings import Settings

MB = 1024 * 1024
SHARED_MIN = 64 * 1024  # texts at least this large are counted once per run however many nodes hold them


class OutputTooLarge(UserError):
    """A node's output (or a run's outputs together) went over a configured limit."""


def output_size(value: Any) -> int:
    """Roughly how many bytes an output holds: the length of text and bytes, summed over lists and
    objects; numbers and other scalars count a few bytes. Cheap: no encoding, no copies."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(output_size(item) for item in value)
    if isinstance(value, dict):
        return sum(output_size(key) + output_size(item) for key, item in value.items())
    return 8


def added_size(value: Any, held: set[int], new: set[int]) -> int:
    """The part of output_size(value) not held already: a large text passed along unchanged (display,
    transition) is one object in memory and counts once. `held` has the ids of those counted so far;
    the ids of large texts met for the first time go into `new` (add them to `held` once accepted)."""
    if isinstance(value, (str, bytes, bytearray)):
        if len(value) >= SHARED_MIN:
            if id(value) in held or id(value) in new:
                return 0
            new.add(id(value))
        return len(value)
    if isinstance(value, (list, tuple)):
        return sum(added_size(item, held, new) for item in value)
    if isinstance(value, dict):
        return sum(output_size(key) + added_size(item, held, new) for key, item in value.items())
    return 8


def max_node_output(settings: Settings) -> int:
    return int(settings.max_node_output_mb * MB)


def check_node_output(size: int, settings: Settings) -> None:
    """Refuse an output of `size` bytes (measured, or predicted before building it) over the limit."""
    limit = max_node_output(settings)
    if size > limit:
        raise OutputTooLarge(f"The node's output would be too large ({size / MB:.1f} MB; the limit is "
                             f"{settings.max_node_output_mb:g} MB, MAX_NODE_OUTPUT_MB).")


def check_run_output(total: int, settings: Settings) -> None:
    """Refuse a node whose output brings the run's held outputs over the limit."""
    if total > settings.max_run_output_mb * MB:
        raise OutputTooLarge(f"The run's outputs would be too large together ({total / MB:.1f} MB; the limit "
                             f"is {settings.max_run_output_mb:g} MB, MAX_RUN_OUTPUT_MB).")


class HeldOutputs:
    """The outputs one run holds, counted against MAX_RUN_OUTPUT_MB (a large text passed along counts once)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._bytes = 0
        self._ids: set[int] = set()  # the large texts among them (they stay referenced by the run)

    def add(self, value: Any) -> None:
        """Count one more node's output, or raise OutputTooLarge and count nothing."""
        new: set[int] = set()
        total = self._bytes + added_size(value, self._ids, new)
        check_run_output(total, self._settings)
        self._bytes = total
        self._ids |= new
