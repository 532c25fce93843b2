"""merger-prompt: fills the `${input-i}` placeholders of a prompt with the node's inputs."""

from typing import Any

from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, options
from app.nodes.limits import check_node_output

DEFAULT_INPUT_NAMES = ["input-1", "input-2"]


class MergerPromptProcessor(Processor):
    processor_type = "merger-prompt"
    instant = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="MergerNode", icon="AiOutlineMergeCells", section="tools", outputType="markdown",
            helpMessage="mergerPromptHelp", hasInputHandle=True, inputNames=list(DEFAULT_INPUT_NAMES),
            fields=[
                # Kept for the wire contract; the merge itself does not depend on it (not required).
                Field(name="mergeMode", type="option", hidden=True, defaultValue="2",
                      options=options(("1", "Merge"), ("2", "Merge + GPT"), default="2")),
                Field(name="inputNameBar", type="inputNameBar", associatedField="prompt"),
                Field(name="prompt", type="textarea", required=True,
                      placeholder="MergePromptPlaceholder"),
            ],
        )

    def process(self) -> Any:
        prompt = self.text_input("prompt", "") or ""
        names = self.node.config_input_names or DEFAULT_INPUT_NAMES
        for index, name in enumerate(names, start=1):
            value = self.text_input(name, "") or ""
            placeholder = "${input-%d}" % index
            # the size is known before the text is built: refuse an amplification instead of building it
            check_node_output(len(prompt) + prompt.count(placeholder) * (len(value) - len(placeholder)),
                              self.ctx.settings)
            prompt = prompt.replace(placeholder, value)
        return prompt
