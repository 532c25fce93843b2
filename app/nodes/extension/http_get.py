"""http-get-processor: GETs a URL (no redirects, 2 MB, 5 s) and returns its JSON or text."""

from __future__ import annotations

import json
import re
from typing import Any

from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig

MAX_BYTES = 2 * 1048576
TIMEOUT_S = 5.0
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class HttpGetProcessor(Processor):
    processor_type = "http-get-processor"
    cacheable = False  # a live resource
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="HTTP Get", icon="TbHttpGet", section="input", outputType="text",
            helpMessage="httpGetProcessorHelp", showHandlesNames=True,
            fields=[
                Field(name="url", type="textfield", required=True, hasHandle=True,
                      placeholder="httpGetProcessorURLPlaceholder", description="httpGetProcessorURLDescription"),
                Field(name="headers", type="dictionnary", description="httpGetProcessorHeadersDescription"),
            ],
        )

    def process(self) -> Any:
        url = (self.text_input("url") or "").strip()
        if not url:
            raise UserError("URL is required.")
        if not re.match(r"^https?://", url, re.IGNORECASE):
            raise UserError("Invalid URL scheme. Only HTTP and HTTPS are allowed.")
        headers = parse_headers(self.input("headers"))
        if self.ctx.fetcher is None:
            raise UserError("Fetching URLs is not available on this server.")
        settings = self.ctx.settings
        with self.ctx.fetcher.get(
            url, headers=headers, follow_redirects=False,
            max_bytes=min(MAX_BYTES, int(settings.fetch_max_mb * 1048576)),
            timeout=min(TIMEOUT_S, settings.fetch_timeout_s),
        ) as result:
            if not 200 <= result.status < 300:
                raise UserError(f"HTTP GET request failed: the server answered {result.status}.")
            content_type = result.headers.get("content-type", "").lower()
            if "application/json" in content_type or result.content_type.endswith("+json"):
                try:
                    return [json.loads(result.text())]
                except ValueError:
                    raise UserError("Failed to parse JSON response.") from None
            return result.text()

def parse_headers(value: Any) -> dict[str, str]:
    """The `headers` field: a list of {key, value} rows (the editor's form), an object, or their JSON."""
    if value is None or value == "" or value == []:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise UserError("Headers must be a valid JSON.") from None
    if isinstance(value, dict):
        pairs = [(key, item) for key, item in value.items()]
    elif isinstance(value, list) and all(isinstance(row, dict) for row in value):
        pairs = [(row.get("key"), row.get("value")) for row in value]
    else:
        raise UserError("Headers must be a valid JSON: a list of {key, value} pairs or an object.")
    headers: dict[str, str] = {}
    for key, item in pairs:
        name = str(key or "").strip()
        if not name:
            continue
        text = "" if item is None else str(item)
        if not _HEADER_NAME.fullmatch(name) or "\n" in text or "\r" in text:
            raise UserError(f"Invalid header '{name}'.")
        headers[name] = text
    return headers
