"""dalle-prompt: DALL-E 3 image generation, kept in our storage (provider URLs expire)."""

from __future__ import annotations

import base64
from typing import Any

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, select
from app.nodes.mock import SAMPLE_IMAGE_URL
from app.providers.openai_client import make_client, openai_errors

SIZES = ["1024x1024", "1024x1792", "1792x1024"]
QUALITIES = ["standard", "hd"]
MAX_IMAGE_BYTES = 50 * 1024 * 1024


class DallEPromptProcessor(Processor):
    processor_type = "dalle-prompt"
    provider = "OpenAI"
    api_key_name = "openai_api_key"
    mock_output = [SAMPLE_IMAGE_URL]

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="DALL-E 3", icon="OpenAILogo", section="models", outputType="imageUrl",
            hasInputHandle=True, helpMessage="dallePromptHelp",
            fields=[
                Field(name="prompt", type="textarea", label="prompt", hideIfParent=True,
                      placeholder="DallEPromptPlaceholder"),
                select("size", SIZES, default="1024x1024"),
                select("quality", QUALITIES, default="standard"),
            ],
        )

    def process(self) -> Any:
        prompt = self.text_input("prompt")
        if (not prompt or not prompt.strip()) and self.has_inputs:
            upstream = self.first_input()
            prompt = None if upstream is None else upstream if isinstance(upstream, str) else str(upstream)
        if not prompt or not prompt.strip():
            raise UserError("DALL-E 3 needs a prompt: type one or connect a text node.")
        size = self.node.get("size") or "1024x1024"
        quality = self.node.get("quality") or "standard"
        if size not in SIZES:
            raise UserError(f"DALL-E 3 does not support the size '{size}' (use {', '.join(SIZES)}).")
        call = self.new_call("OpenAI")
        client = make_client(self.ctx.settings, call.api_key)
        with openai_errors(call):
            response = client.images.generate(model="dall-e-3", prompt=prompt, n=1, size=size, quality=quality,
                                              response_format="b64_json")
        image = response.data[0] if response.data else None
        if image is not None and image.b64_json:
            return self.save_file(concurrency.run_blocking(base64.b64decode, image.b64_json), "png", "image/png")
        if image is not None and image.url:
            content, content_type = self.read_file(image.url, max_bytes=MAX_IMAGE_BYTES)
            extension = (content_type or "image/png").split("/")[-1] if (content_type or "").startswith("image/") \
                else "png"
            return self.save_file(content, extension, content_type)
        raise UserError("OpenAI returned no image.", status=502)
