"""generate-number-processor: a random integer between min and max (inclusive)."""

from __future__ import annotations

import math
import random
from typing import Any

from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig

DEFAULT_MIN = 0
DEFAULT_MAX = 1000


class GenerateNumberProcessor(Processor):
    processor_type = "generate-number-processor"
    cacheable = False  # a new random number each run
    instant = True
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="Generate Number", icon="GiPerspectiveDiceSix", section="tools", outputType="text",
            helpMessage="generateNumberHelp", showHandlesNames=True,
            fields=[
                Field(name="min", type="numericfield", label="Min", description="minimumValueForTheRandomNumber",
                      defaultValue=DEFAULT_MIN),
                Field(name="max", type="numericfield", label="Max", description="maximumValueForTheRandomNumber",
                      defaultValue=DEFAULT_MAX),
            ],
        )

    def process(self) -> Any:
        low = _number(self.input("min", DEFAULT_MIN), DEFAULT_MIN)
        high = _number(self.input("max", DEFAULT_MAX), DEFAULT_MAX)
        low_int, high_int = math.ceil(low), math.floor(high)
        if low > high:
            raise UserError("'min' should not be greater than 'max'")
        if low_int > high_int:
            raise UserError(f"There is no integer between {low:g} and {high:g}.")
        return [random.randint(low_int, high_int)]


def _number(value: Any, default: int) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise UserError("Both 'min' and 'max' should be valid numbers")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserError("Both 'min' and 'max' should be valid numbers") from None
    if not math.isfinite(number):
        raise UserError("Both 'min' and 'max' should be valid numbers")
    return number
