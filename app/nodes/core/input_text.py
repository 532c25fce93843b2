"""input-text: a text typed by the user."""

from typing import Any

from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig


class InputTextProcessor(Processor):
    processor_type = "input-text"
    input_field = "inputText"
    instant = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="Text", icon="AiOutlineEdit", section="input", outputType="text",
            helpMessage="inputHelp", defaultHideOutput=True,
            fields=[Field(name="inputText", type="textarea", required=True, placeholder="InputPlaceholder")],
        )

    def process(self) -> Any:
        return self.node.get("inputText")
