"""stable-diffusion-stabilityai-prompt: SDXL 1.0 text to image through StabilityAI's v1 API."""

from __future__ import annotations

import base64
from typing import Any

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, select
from app.nodes.mock import SAMPLE_IMAGE_URL
from app.providers.stability_client import StabilityClient

ENGINE = "stable-diffusion-xl-1024-v1-0"
# Labels are width x height, the sizes SDXL 1.0 accepts.
SIZES = ["1024x1024", "1152x896", "1216x832", "1344x768", "1536x640", "640x1536", "768x1344", "832x1216",
         "896x1152"]
STYLE_PRESETS = ["3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art", "enhance",
                 "fantasy-art", "isometric", "line-art", "low-poly", "modeling-compound", "neon-punk", "origami",
                 "photographic", "pixel-art", "tile-texture"]


def parse_size(size: Any) -> tuple[int, int]:
    """'WxH' -> (width, height)."""
    text = str(size or "1024x1024").lower().replace(" ", "")
    width, sep, height = text.partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise UserError(f"Invalid size '{size}': use WIDTHxHEIGHT, e.g. 1024x1024.")
    return int(width), int(height)


class StableDiffusionStabilityAIPromptProcessor(Processor):
    processor_type = "stable-diffusion-stabilityai-prompt"
    provider = "StabilityAI"
    api_key_name = "stabilityai_api_key"
    mock_output = [SAMPLE_IMAGE_URL]

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="Stable Diffusion", icon="StabilityAILogo", section="models", outputType="imageUrl",
            hasInputHandle=True, inputNames=["prompt"], helpMessage="stableDiffusionPromptHelp",
            fields=[
                Field(name="prompt", type="textarea", label="prompt", hideIfParent=True,
                      placeholder="DallEPromptPlaceholder"),
                select("size", SIZES, default="1024x1024"),
                select("style_preset", STYLE_PRESETS),
            ],
        )

    def process(self) -> Any:
        prompt = self.text_input("prompt")
        if (not prompt or not prompt.strip()) and self.has_inputs:
            upstream = self.first_input()
            prompt = upstream if isinstance(upstream, str) else None if upstream is None else str(upstream)
        if not prompt or not prompt.strip():
            raise UserError("Stable Diffusion needs a prompt: type one or connect a text node.")
        width, height = parse_size(self.node.get("size"))
        body: dict[str, Any] = {"text_prompts": [{"text": prompt}], "cfg_scale": 7, "height": height,
                                "width": width, "samples": 1, "steps": 30}
        style = self.node.get("style_preset")
        if isinstance(style, str) and style.strip():
            body["style_preset"] = style.strip()
        client = StabilityClient(self.ctx.settings, self.api_key(), self.ctx.cancelled,
                                 waiting=self.ctx.waiting)
        response = client.post(f"/v1/generation/{ENGINE}/text-to-image", accept="application/json",
                               json_body=body)
        artifacts = (response.json() or {}).get("artifacts") or []
        encoded = artifacts[0].get("base64") if artifacts and isinstance(artifacts[0], dict) else None
        if not isinstance(encoded, str) or not encoded:
            raise UserError("StabilityAI returned no image.", status=502)
        if artifacts[0].get("finishReason") == "ERROR":
            raise UserError("StabilityAI could not generate the image.", status=502)
        data = concurrency.run_blocking(base64.b64decode, encoded)
        return self.save_file(data, "png", "image/png")
