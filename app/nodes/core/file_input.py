"""file: a file the user uploaded or linked; returns its URL (`fileUrl`)."""

from typing import Any

from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig


class FileProcessor(Processor):
    processor_type = "file"
    input_field = "fileUrl"
    instant = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        # The editor draws this node with its own component (URL / Upload choice); the output type is
        # left unset so the editor infers it from the file name.
        return NodeConfig(
            nodeName="File", icon="FaFile", section="input", helpMessage="fileUploadHelp",
            fields=[Field(name="fileUrl", type="fileUpload", required=True, placeholder="URLPlaceholder")],
        )

    def process(self) -> Any:
        return self.node.get("fileUrl")
