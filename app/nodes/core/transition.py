"""transition: passes its first input through (a routing point on the canvas)."""

from typing import Any

from app.nodes.base import Processor
from app.nodes.config import NodeConfig


class TransitionProcessor(Processor):
    processor_type = "transition"
    instant = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(nodeName="Transition", icon="MdOutlineDoubleArrow", section="tools",
                          outputType="text", helpMessage="transitionHelp", hasInputHandle=True)

    def process(self) -> Any:
        return self.first_input("") if self.has_inputs else ""
