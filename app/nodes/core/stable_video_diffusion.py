"""stable-video-diffusion-replicate: a video from the image of the first input (fixed Replicate model)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from app.errors import UserError
from app.nodes.config import NodeConfig, select
from app.nodes.core.replicate import ReplicateProcessor

MODEL_OWNER = "stability-ai"
MODEL_NAME = "stable-video-diffusion"
MODEL_VERSION = "3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438"
LENGTHS = ("14_frames_with_svd", "25_frames_with_svd_xt")
#: The model's output is one video URL; no schema lookup is needed for this fixed version.
OUTPUT_SCHEMA: dict[str, Any] = {"components": {"schemas": {"Output": {"type": "string", "format": "uri"}}}}


class StableVideoDiffusionProcessor(ReplicateProcessor):
    processor_type = "stable-video-diffusion-replicate"

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="Stable Video Diffusion", icon="ReplicateLogo", section="models", outputType="videoUrl",
            hasInputHandle=True,
            helpMessage="Turns the image URL of its first input into a short video (Replicate).",
            fields=[
                select("length", list(LENGTHS), default=LENGTHS[0], label="Video length"),
                select("frames_per_second", [str(n) for n in range(3, 31)], default="6", label="Frames per second"),
            ],
        )

    def model_ref(self) -> tuple[str, str, str | None]:
        return MODEL_OWNER, MODEL_NAME, MODEL_VERSION

    def load_schema(self, owner: str, name: str, version: str | None) -> tuple[str, dict[str, Any]]:
        return MODEL_VERSION, OUTPUT_SCHEMA

    def prediction_input(self, schema: dict[str, Any]) -> dict[str, Any]:
        image = self.first_input()
        if isinstance(image, list):
            image = image[0] if image else None
        if image is None or (isinstance(image, str) and not image.strip()):
            raise UserError("No image provided: connect a node whose output is an image URL.")
        image = str(image).strip()
        parts = urlsplit(image)
        if not (parts.scheme in ("http", "https") and parts.hostname) and not image.startswith("data:image/"):
            raise UserError(f"Invalid URL provided: '{image[:200]}' is not an http(s) image address.")
        length = str(self.node.get("length") or LENGTHS[0])
        if length not in LENGTHS:
            raise UserError(f"The field 'length' must be one of: {', '.join(LENGTHS)} (got '{length[:50]}').")
        fps_value = self.node.get("frames_per_second", "6")
        try:
            fps = int(str(fps_value).strip() or "6")
        except ValueError:
            raise UserError(f"The field 'frames_per_second' expects a whole number, got '{str(fps_value)[:50]}'.") from None
        if not 1 <= fps <= 60:
            raise UserError(f"The field 'frames_per_second' must be between 1 and 60 (got {fps}).")
        return {
            "cond_aug": 0.02,
            "decoding_t": 7,
            "input_image": self.portable_file(image),
            "video_length": length,
            "sizing_strategy": "maintain_aspect_ratio",
            "motion_bucket_id": 127,
            "frames_per_second": fps,
        }
