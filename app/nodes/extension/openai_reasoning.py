"""openai-reasoning-processor: an OpenAI reasoning model (o-series) answers, with a reasoning effort, streamed."""

from __future__ import annotations

from typing import Any

from app.nodes.config import NodeConfig, select, when
from app.nodes.text_generation import (
    TextGenerationProcessor,
    context_field,
    prompt_field,
)

DEFAULT_MODEL = "o4-mini"
MODELS = ["o4-mini", "o3-mini", "o3", "o1-pro", "o1"]
EFFORT_MODELS = ["o3-mini", "o4-mini", "o3"]
EFFORTS = ["low", "medium", "high"]


class OpenAIReasoningProcessor(TextGenerationProcessor):
    processor_type = "openai-reasoning-processor"
    provider = "OpenAI"
    api_key_name = "openai_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="OpenAI o-series", icon="OpenAILogo", section="models", outputType="text",
            helpMessage="openaio1Help", showHandlesNames=True,
            fields=[
                select("model", MODELS, default=DEFAULT_MODEL, type="option", required=True),
                context_field(),
                prompt_field(),
                select("reasoning_effort", EFFORTS, default="medium",
                       condition=when("model", "in", EFFORT_MODELS)),
            ],
        )

    def process(self) -> Any:
        prompt = self.joined_prompt()
        model = self.node.get("model") or DEFAULT_MODEL
        params: dict[str, Any] = {"model": model, "input": [{"role": "user", "content": prompt}]}
        if model in EFFORT_MODELS:
            effort = self.input("reasoning_effort")
            params["reasoning"] = {"effort": effort if effort in EFFORTS else "medium"}
        return self.stream_openai_response(params)
