"""USE_MOCK=true: provider nodes return fake outputs after a delay; every node honours the test knobs.

A runtime mode for demos, the reference's integration suite and benchmarks: `sleepDuration`
(seconds) replaces the random delay, `raiseError: true` makes any node fail.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from app.errors import UserError
from app.nodes.base import NodeContext, Processor

log = logging.getLogger(__name__)

SAMPLE_IMAGE_URL = "https://ai-flow-public-assets.s3.eu-west-3.amazonaws.com/v0.4.0-sample-1.png"


class MockProcessor(Processor):
    """Stands in for a provider node (or any node with `raiseError`) in mock mode."""

    processor_type = "__mock__"

    def __init__(self, ctx: NodeContext, real: type[Processor]) -> None:
        super().__init__(ctx)
        self.real = real

    def process(self) -> Any:
        if self.node.get("raiseError"):
            log.info("mock node %s raises as asked", self.name)
            raise UserError("Mock Processor error")
        settings = self.ctx.settings
        sleep_for = _sleep_duration(self.node)
        if sleep_for is None:
            sleep_for = random.uniform(settings.mock_delay_min, max(settings.mock_delay_min, settings.mock_delay_max))
        self.ctx.cancelled.wait(sleep_for)
        return self.real.mock_output


class SleepingProcessor(Processor):
    """A real node that first waits `sleepDuration` seconds (mock mode only)."""

    processor_type = "__sleeping__"

    def __init__(self, ctx: NodeContext, inner: Processor, seconds: float) -> None:
        super().__init__(ctx)
        self.inner = inner
        self.seconds = seconds

    def process(self) -> Any:
        self.ctx.cancelled.wait(self.seconds)
        return self.inner.process()

    def cancel(self) -> None:
        self.inner.cancel()


def _sleep_duration(node: Any) -> float | None:
    value = node.get("sleepDuration")
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def create(cls: type[Processor], ctx: NodeContext) -> Processor:
    """The processor to run for this node in mock mode."""
    node = ctx.node
    if node.get("raiseError") or cls.is_mocked(node):
        return MockProcessor(ctx, cls)
    processor = cls(ctx)
    seconds = _sleep_duration(node)
    return SleepingProcessor(ctx, processor, seconds) if seconds else processor
