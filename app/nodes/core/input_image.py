"""input-image: legacy node holding an image URL typed by the user (returns `inputText`)."""

from typing import Any

from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig


class InputImageProcessor(Processor):
    processor_type = "input-image"
    input_field = "inputText"
    instant = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        # Legacy: no palette section, so the editor only renders it for flows that already contain it.
        return NodeConfig(
            nodeName="InputImage", icon="FaImage", outputType="imageUrl", helpMessage="inputHelp",
            fields=[Field(name="inputText", type="textfield", required=True, placeholder="URLPlaceholder")],
        )

    def process(self) -> Any:
        return self.node.get("inputText")
