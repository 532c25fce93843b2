"""stabilityai-generic-processor: any StabilityAI v2beta path, its form built from the OpenAPI document."""

from __future__ import annotations

import base64
import json
import mimetypes
import posixpath
import time
from typing import Any
from urllib.parse import urlsplit

from app import concurrency
from app.errors import UserError
from app.nodes import stability_openapi as openapi
from app.nodes.base import Processor
from app.nodes.config import AnyNodeConfig, Field, NodeConfig
from app.providers.stability_client import PROVIDER, StabilityClient, StabilityResponse

POLL_INTERVAL_S = 0.5
_EXTENSIONS = {"model/gltf-binary": "glb", "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp",
               "video/mp4": "mp4"}


def form_value(value: Any) -> str:
    """A field value as a multipart form string (5.0 -> '5', True -> 'true', lists/objects as JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def extension_for(content_type: str, output_format: Any = None) -> str:
    if isinstance(output_format, str) and output_format.strip():
        return output_format.strip().lower()
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    subtype = content_type.split("/")[-1] if "/" in content_type else ""
    return subtype.split("+")[0] or "bin"


class StabilityAIGenericProcessor(Processor):
    processor_type = "stabilityai-generic-processor"
    provider = "StabilityAI"
    api_key_name = "stabilityai_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(nodeName="StabilityAI", isDynamicallyGenerated=True, **openapi.HEADER, fields=[
            Field(name="path", type="select", label="Path", required=True, options=openapi.path_options(),
                  defaultValue=openapi.path_options()[0].value),
        ])

    @classmethod
    def dynamic_node_config(cls, data: dict[str, Any]) -> AnyNodeConfig:
        path = data.get("path")
        if not isinstance(path, str) or not path:
            raise UserError("Choose a StabilityAI path first ('path' is missing).")
        return openapi.node_config_for(path)

    @classmethod
    def required_fields(cls, node: Any) -> list[str]:
        path = node.get("path")
        if not isinstance(path, str) or path not in openapi.allowed_paths():
            return ["path"]
        values = node.model_extra or {}
        return [f.name for f in openapi.fields_for_values(openapi.node_config_for(path), values)
                if f.required and not f.hidden]

    # ---- running -----------------------------------------------------------------------------
    def process(self) -> Any:
        path = self.node.get("path")
        if not isinstance(path, str) or not path:
            raise UserError("Choose a StabilityAI path for this node.")
        info = openapi.path_info(path)
        fields = openapi.fields_for_values(openapi.node_config_for(path), self.node.model_extra or {})
        client = StabilityClient(self.ctx.settings, self.api_key(), self.ctx.cancelled,
                                 waiting=self.ctx.waiting)
        data, files = self._request_parts(fields)
        response = client.post(path, accept=info.accept, data=data, files=files)
        if info.asynchronous:
            response = self._poll(client, info, response)
        content, content_type = self._result_bytes(response)
        extension = extension_for(content_type, self.node.get("output_format"))
        return self.save_file(content, extension, content_type or None)

    def _request_parts(self, fields: list[Field]) -> tuple[dict[str, str], dict[str, Any]]:
        values = {f.name: self.input(f.name) for f in fields}
        values = {name: value for name, value in values.items() if value is not None and value != ""}
        mode = values.get("mode")
        if mode == "image-to-image":
            values.pop("aspect_ratio", None)
        elif mode == "text-to-image":
            values.pop("strength", None)
            values.pop("image", None)
        data: dict[str, str] = {}
        files: dict[str, Any] = {}
        binary = {f.name for f in fields if f.isBinary}
        for name, value in values.items():
            if name in binary:
                files[name] = self._file_part(name, value)
            else:
                data[name] = form_value(value)
        if not files:
            files["none"] = ("", b"")  # StabilityAI accepts only multipart bodies
        return data, files

    def _file_part(self, name: str, value: Any) -> tuple[str, bytes, str]:
        if not isinstance(value, str):
            raise UserError(f"'{name}' must be the URL of a file.")
        content, content_type = self.read_file(value.strip())
        filename = posixpath.basename(urlsplit(value).path) or f"{name}.png"
        content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return filename, content, content_type

    def _poll(self, client: StabilityClient, info: openapi.PathInfo, response: StabilityResponse
              ) -> StabilityResponse:
        body = response.json()
        job_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(job_id, str) or not job_id:
            raise UserError(f"{PROVIDER} did not return a job id for this asynchronous request.", status=502)
        assert info.poll_path is not None
        poll_path = info.poll_path.replace("{id}", job_id)
        limit = self.ctx.settings.stabilityai_poll_timeout_s
        deadline = time.monotonic() + limit
        while True:
            result = client.get(poll_path, accept=info.poll_accept, ok_statuses=(202,))
            if result.status != 202:
                return result
            if time.monotonic() + POLL_INTERVAL_S > deadline:
                raise UserError(f"{PROVIDER} did not finish the job within {limit:g} s.", status=504)
            if self.ctx.cancelled.wait(POLL_INTERVAL_S):
                raise UserError("The run was cancelled.")

    @staticmethod
    def _result_bytes(response: StabilityResponse) -> tuple[bytes, str]:
        if response.content_type != "application/json":
            if not response.content:
                raise UserError(f"{PROVIDER} returned an empty result.", status=502)
            return response.content, response.content_type
        body = response.json()  # base64 JSON answer ({image|video|...: b64, finish_reason})
        if isinstance(body, dict):
            if body.get("finish_reason") == "CONTENT_FILTERED":
                raise UserError(f"{PROVIDER} filtered the result (content moderation).")
            for key, media in (("image", "image/png"), ("video", "video/mp4"), ("model", "model/gltf-binary")):
                if isinstance(body.get(key), str):
                    return concurrency.run_blocking(base64.b64decode, body[key]), media
        raise UserError(f"{PROVIDER} returned a result this node cannot read.", status=502)
