"""display: shows its first input in a large output pane."""

from typing import Any

from app.nodes.base import Processor
from app.nodes.config import NodeConfig


class DisplayProcessor(Processor):
    processor_type = "display"
    instant = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(nodeName="Display", icon="FiMonitor", section="tools", outputType="markdown",
                          helpMessage="displayHelp", hasInputHandle=True)

    def process(self) -> Any:
        return self.first_input("") if self.has_inputs else ""
