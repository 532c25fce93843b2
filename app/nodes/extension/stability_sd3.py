"""stabilityai-stable-diffusion-3-processor: text to image with Stable Diffusion 3 / 3.5 (v2beta sd3)."""

from __future__ import annotations

from typing import Any

from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, select
from app.nodes.extension.stability_generic import extension_for, form_value
from app.providers.stability_client import StabilityClient

PATH = "/v2beta/stable-image/generate/sd3"
MODELS = ["sd3.5-large", "sd3.5-large-turbo", "sd3-large", "sd3-medium", "sd3-large-turbo"]
ASPECT_RATIOS = ["1:1", "16:9", "3:2", "2:3", "4:5", "5:4", "9:16", "9:21", "21:9"]
_NO_NEGATIVE_PROMPT = {"sd3-turbo", "sd3-large-turbo"}  # turbo models reject negative prompts


class StableDiffusionThreeProcessor(Processor):
    processor_type = "stabilityai-stable-diffusion-3-processor"
    provider = "StabilityAI"
    api_key_name = "stabilityai_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="Stable Diffusion 3.5", icon="StabilityAILogo", section="models",
            helpMessage="stableDiffusionPromptHelp", outputType="imageUrl", showHandlesNames=True,
            fields=[
                Field(name="prompt", type="textfield", label="prompt", required=True, hasHandle=True,
                      placeholder="GenericPromptPlaceholder"),
                Field(name="negative_prompt", type="textfield", label="negative_prompt", hasHandle=True,
                      placeholder="GenericNegativePromptPlaceholder"),
                select("model", MODELS, default="sd3.5-large"),
                select("aspect_ratio", ASPECT_RATIOS, default="1:1"),
                Field(name="seed", type="numericfield", label="seed", defaultValue=0, hasHandle=True,
                      placeholder="Enter a numeric seed"),
            ],
        )

    def process(self) -> Any:
        prompt = self.text_input("prompt")
        if not prompt or not prompt.strip():
            raise UserError("Stable Diffusion 3.5 needs a prompt.")
        model = self.node.get("model") or "sd3.5-large"
        data = {"prompt": prompt, "model": str(model), "output_format": "png",
                "aspect_ratio": str(self.node.get("aspect_ratio") or "1:1")}
        negative = self.text_input("negative_prompt")
        if negative and negative.strip() and model not in _NO_NEGATIVE_PROMPT:
            data["negative_prompt"] = negative
        seed = self.input("seed", 0)
        if seed not in (None, ""):
            try:
                data["seed"] = form_value(int(float(seed)))
            except (TypeError, ValueError):
                raise UserError(f"The seed must be a whole number, not '{seed}'.") from None
        client = StabilityClient(self.ctx.settings, self.api_key(), self.ctx.cancelled,
                                 waiting=self.ctx.waiting)
        response = client.post(PATH, accept="image/*", data=data, files={"none": ("", b"")})
        if not response.content:
            raise UserError("StabilityAI returned an empty image.", status=502)
        return self.save_file(response.content, extension_for(response.content_type, "png"), "image/png")
