"""deepseek-processor: a DeepSeek model answers, streamed; R1's reasoning is shown apart from the answer.

While the model reasons, partials show a "Reasoning" section; the answer streams below it. The node's
output (what the next nodes receive) is the answer alone.
"""

from __future__ import annotations

from typing import Any

from app.nodes.config import NodeConfig, select
from app.nodes.text_generation import (
    TextGenerationProcessor,
    context_field,
    prompt_field,
)

DEFAULT_MODEL = "deepseek-reasoner"
MODELS = [("deepseek-chat", "V3"), ("deepseek-reasoner", "R1")]


class DeepSeekProcessor(TextGenerationProcessor):
    processor_type = "deepseek-processor"
    provider = "DeepSeek"
    api_key_name = "deepseek_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="DeepSeek", icon="DeepSeekLogo", section="models", outputType="text",
            helpMessage="deepSeekHelp", showHandlesNames=True,
            fields=[
                select("model", MODELS, default=DEFAULT_MODEL, type="option", required=True),
                context_field(),
                prompt_field(),
            ],
        )

    def process(self) -> Any:
        prompt = self.joined_prompt()
        model = self.node.get("model") or DEFAULT_MODEL
        return self.stream_chat("DeepSeek", {"model": model, "messages": [{"role": "user", "content": prompt}]})
