"""gpt-vision: an OpenAI model answers a prompt about one or more images, streamed."""

from __future__ import annotations

import base64
import mimetypes
import re
from typing import Any
from urllib.parse import urlsplit

from app import concurrency
from app.errors import UserError
from app.nodes.config import Field, NodeConfig
from app.nodes.text_generation import TextGenerationProcessor

MODEL = "gpt-4o"
MAX_TOKENS = 4096
_CHILD = re.compile(r"^image_url_(\d+)$")


def _data_url(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


class GPTVisionProcessor(TextGenerationProcessor):
    processor_type = "gpt-vision"
    provider = "OpenAI"
    api_key_name = "openai_api_key"

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="GPT Vision", icon="OpenAILogo", section="models", outputType="markdown",
            helpMessage="gptVisionPromptHelp", hasInputHandle=True, showHandlesNames=True,
            inputNames=["image_url", "prompt"],
            fields=[
                Field(name="prompt", type="textarea", label="prompt", required=True, hasHandle=True,
                      placeholder="VisionPromptPlaceholder"),
                Field(name="image_url", type="fileUpload", label="image_url", required=True, hasHandle=True,
                      placeholder="VisionImageURLPlaceholder", canAddChildrenFields=True),
            ],
        )

    def image_field_names(self) -> list[str]:
        """`image_url` then its children `image_url_<n>`, in the node's field order (or numeric order)."""
        names = [n for n in self.node.config_field_names if n == "image_url" or _CHILD.match(n)]
        if names:
            return names
        extra = [key for key in (self.node.model_extra or {}) if _CHILD.match(key)]
        extra += [e.inputName for e in self.node.inputs if e.inputName and _CHILD.match(e.inputName)]
        children = sorted(set(extra), key=lambda n: int(_CHILD.match(n).group(1)))  # type: ignore[union-attr]
        return ["image_url", *children]

    def image_urls(self) -> list[str]:
        urls = []
        for name in self.image_field_names():
            value = self.input(name)
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, str) and item.strip():
                    urls.append(item.strip())
        return urls

    def _part(self, url: str) -> dict[str, Any]:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return {"type": "image_url", "image_url": {"url": url}}
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(f"Invalid image URL: '{url}'. Use an http(s) address or upload the file.")
        # Our own stored files may not be reachable by the provider (e.g. localhost): send their bytes.
        own = self.ctx.storage.read(url) if self.ctx.storage is not None else None
        if own is not None:
            content_type = mimetypes.guess_type(parts.path)[0] or "image/png"
            url = concurrency.run_blocking(_data_url, own, content_type)
        return {"type": "image_url", "image_url": {"url": url}}

    def process(self) -> Any:
        prompt = self.text_input("prompt")
        if prompt is None or not prompt.strip():
            raise UserError("No prompt provided: type one in the node's 'prompt' field or connect a node to it.")
        urls = self.image_urls()
        if not urls:
            raise UserError("No image provided: set 'image_url' or connect a node that outputs an image URL.")
        content = [self._part(url) for url in urls] + [{"type": "text", "text": prompt}]
        return self.stream_chat("OpenAI", {"model": MODEL, "messages": [{"role": "user", "content": content}],
                                           "max_completion_tokens": MAX_TOKENS})
