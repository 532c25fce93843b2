"""gpt-image-processor: OpenAI gpt-image generation and editing (form chosen by `method`)."""

from __future__ import annotations

import base64
import mimetypes
import posixpath
import re
from typing import Any
from urllib.parse import urlsplit

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, select
from app.providers.openai_client import make_client, openai_errors

MODELS = ["gpt-image-1"]
METHODS = [("generate", "Generate"), ("edit", "Edit")]
_CHILD_IMAGE = re.compile(r"^image_\d+$")
_HEADER: dict[str, Any] = {"icon": "OpenAILogo", "section": "models", "helpMessage": "gptImageHelp"}


def _common_fields() -> list[Field]:
    return [
        select("model", MODELS, default="gpt-image-1"),
        Field(name="prompt", type="textarea", label="prompt", required=True, hasHandle=True,
              placeholder="PromptPlaceholder"),
    ]


class GPTImageProcessor(Processor):
    processor_type = "gpt-image-processor"
    provider = "OpenAI"
    api_key_name = "openai_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(nodeName="GPT Image", isDynamicallyGenerated=True, **_HEADER, fields=[
            select("method", METHODS, default="generate", label="mode", required=True),
        ])

    @classmethod
    def dynamic_node_config(cls, data: dict[str, Any]) -> NodeConfig:
        method = data.get("method") or "generate"
        if method == "generate":
            fields = _common_fields() + [
                select("size", ["auto", "1024x1024", "1536x1024", "1024x1536"], default="auto"),
                select("quality", ["auto", "low", "medium", "high"], default="auto"),
                select("background", ["opaque", "transparent"], default="opaque"),
                select("moderation", ["auto", "low"], default="low"),
            ]
            name = "GPT Image – Generate"
        elif method == "edit":
            fields = _common_fields() + [
                Field(name="mask", type="fileUpload", label="mask", hasHandle=True,
                      description="gptImageMaskDescription"),
                Field(name="image", type="fileUpload", label="image", required=True, hasHandle=True,
                      canAddChildrenFields=True),
            ]
            name = "GPT Image – Edit"
        else:
            raise UserError(f"Unknown GPT Image mode '{method}': use 'generate' or 'edit'.")
        return NodeConfig(nodeName=name, outputType="imageUrl", showHandlesNames=True, **_HEADER, fields=fields)

    @classmethod
    def required_fields(cls, node: Any) -> list[str]:
        method = node.get("method") or "generate"
        if method not in ("generate", "edit"):
            return ["method"]
        return [f.name for f in cls.dynamic_node_config({"method": method}).fields if f.required]

    # ---- running -----------------------------------------------------------------------------
    def process(self) -> Any:
        method = self.node.get("method") or "generate"
        prompt = self.text_input("prompt")
        if not prompt or not prompt.strip():
            raise UserError("GPT Image needs a prompt.")
        model = self.node.get("model") or "gpt-image-1"
        if method == "generate":
            options = {key: self.node.get(key) or default for key, default in
                       (("size", "auto"), ("quality", "auto"), ("background", "opaque"), ("moderation", "low"))}
            call = self.new_call("OpenAI")
            client = make_client(self.ctx.settings, call.api_key)
            with openai_errors(call):
                response = client.images.generate(model=model, prompt=prompt, n=1, **options)
        elif method == "edit":
            images = [self._file(url) for url in self._image_urls()]
            if not images:
                raise UserError("GPT Image edit needs at least one image (the 'image' field).")
            extra: dict[str, Any] = {}
            mask = self.input("mask")
            if isinstance(mask, str) and mask.strip():
                extra["mask"] = self._file(mask.strip())
            call = self.new_call("OpenAI")
            client = make_client(self.ctx.settings, call.api_key)
            with openai_errors(call):
                response = client.images.edit(model=model, prompt=prompt, image=images, **extra)
        else:
            raise UserError(f"Unknown GPT Image mode '{method}': use 'generate' or 'edit'.")
        encoded = response.data[0].b64_json if response.data else None
        if not encoded:
            raise UserError("OpenAI returned no image.", status=502)
        data = concurrency.run_blocking(base64.b64decode, encoded)
        return self.save_file(data, "png", "image/png")

    def _image_urls(self) -> list[str]:
        """`image` then its added children (image_2, image_3...), from the form and from edges."""
        names = ["image"] + [n for n in self.node.config_field_names if _CHILD_IMAGE.match(n)]
        names += [n for n in (self.node.model_extra or {}) if _CHILD_IMAGE.match(n)]
        names += [e.inputName for e in self.node.inputs if e.inputName and _CHILD_IMAGE.match(e.inputName)]
        ordered = ["image"] + sorted(set(names) - {"image"}, key=lambda n: int(n.split("_")[1]))
        urls = []
        for name in ordered:
            value = self.input(name)
            if isinstance(value, str) and value.strip():
                urls.append(value.strip())
        return urls

    def _file(self, url: str) -> tuple[str, bytes, str]:
        content, content_type = self.read_file(url)
        filename = posixpath.basename(urlsplit(url).path) or "image.png"
        if not content_type or not content_type.startswith("image/"):
            content_type = mimetypes.guess_type(filename)[0] or "image/png"
        if "." not in filename:
            filename += mimetypes.guess_extension(content_type) or ".png"
        return filename, content, content_type
