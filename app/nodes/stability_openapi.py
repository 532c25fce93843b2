"""The StabilityAI OpenAPI document: which paths a node may call, how, and the node form for each."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.errors import UserError
from app.nodes.config import (
    AnyNodeConfig,
    DiscriminatedNodeConfig,
    Field,
    NodeConfig,
    NodeConfigVariant,
    Option,
    OutputType,
)
from app.settings import RESOURCES_DIR

DOCUMENT_PATH = RESOURCES_DIR / "openapi" / "stabilityai.json"
_EXCLUDED = ("/v1/", "/user/", "/engines/", "/result", "/v2alpha/", "/chat")
_GENERIC_RESULTS_PATH = "/v2beta/results/{id}"
_VERSION = re.compile(r"v\d+(alpha|beta)?\d*")
_SLIDER_MAX = 1000  # bounded numbers up to this maximum are sliders; larger or unbounded ones number inputs

HEADER: dict[str, Any] = {"icon": "StabilityAILogo", "section": "models", "helpMessage": "stableDiffusionPromptHelp",
                          "showHandlesNames": True}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The parsed document, read once from the package's resources (never the working directory)."""
    with open(DOCUMENT_PATH, encoding="utf-8") as handle:
        return json.load(handle)


# ---- schema resolution ---------------------------------------------------------------------------
def _follow(ref: str, doc: dict[str, Any]) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported: {ref}")
    target: Any = doc
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def resolve(schema: dict[str, Any], doc: dict[str, Any] | None = None, _depth: int = 0) -> dict[str, Any]:
    """A copy of `schema` with $ref followed, allOf merged (required lists joined), and object properties,
    array items and oneOf options resolved recursively. oneOf options keep their origin in `x-ref`."""
    doc = doc if doc is not None else document()
    if _depth > 32:
        raise ValueError("schema nesting too deep (reference cycle?)")
    origin = None
    while "$ref" in schema:
        origin = schema["$ref"]
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**_follow(origin, doc), **extra}
    result = copy.deepcopy({k: v for k, v in schema.items() if k not in ("allOf", "properties", "items", "oneOf")})
    required = list(result.get("required", [])) if isinstance(result.get("required"), list) else []
    properties: dict[str, Any] = {}
    for part in schema.get("allOf", []):
        merged = resolve(part, doc, _depth + 1)
        properties.update(merged.pop("properties", {}))
        required += [name for name in merged.pop("required", []) if name not in required]
        for key, value in merged.items():
            result[key] = value
    for name, prop in schema.get("properties", {}).items():
        properties[name] = resolve(prop, doc, _depth + 1)
    if properties:
        result["properties"] = properties
    if required:
        result["required"] = required
    if "items" in schema:
        result["items"] = resolve(schema["items"], doc, _depth + 1)
    if "oneOf" in schema:
        options = []
        for option in schema["oneOf"]:
            resolved = resolve(option, doc, _depth + 1)
            if "$ref" in option:
                resolved["x-ref"] = option["$ref"]
            options.append(resolved)
        result["oneOf"] = options
    if origin and "x-ref" not in result:
        result["x-ref"] = origin
    return result


# ---- paths -------------------------------------------------------------------------------------
def allowed_paths() -> list[str]:
    return [path for path, item in document()["paths"].items()
            if "post" in item and not any(part in path for part in _EXCLUDED)]


def path_label(path: str) -> str:
    """'/v2beta/stable-image/edit/erase' -> 'Edit - Erase'; version and 'stable-image' prefixes dropped."""
    parts = [p for p in path.strip("/").split("/") if p and not _VERSION.fullmatch(p) and p != "stable-image"][-2:]
    return " - ".join(part.capitalize() for part in parts)


def path_options() -> list[Option]:
    paths = sorted(allowed_paths(), key=path_label)
    return [Option(value=path, label=path_label(path), default=index == 0) for index, path in enumerate(paths)]


def node_name(path: str) -> str:
    last = path.rstrip("/").split("/")[-1]
    return "StabilityAI - " + " ".join(word.capitalize() for word in last.split("-"))


def _accept_default(operation: dict[str, Any]) -> str | None:
    for param in operation.get("parameters", []):
        while "$ref" in param:
            param = _follow(param["$ref"], document())
        if param.get("in") == "header" and param.get("name", "").lower() == "accept":
            return param.get("schema", {}).get("default")
    return None


def _ok_media_types(operation: dict[str, Any]) -> list[str]:
    response = operation.get("responses", {}).get("200", {})
    return [media.split(";")[0].strip() for media in response.get("content", {})]


def _output_type(media_types: list[str | None]) -> OutputType | None:
    for media in media_types:
        if not media or media in ("*/*", "application/json"):
            continue
        kind = media.split("/")[0]
        if kind == "video":
            return "videoUrl"
        if kind == "model" or "model" in media:
            return "3dUrl"
        if kind == "image":
            return "imageUrl"
        if kind == "audio":
            return "audioUrl"
    return None


@dataclass(frozen=True)
class PathInfo:
    """How to call one path: the POST's accept header, and for asynchronous jobs where to poll."""

    path: str
    accept: str | None
    poll_path: str | None
    poll_accept: str | None
    output_type: OutputType | None

    @property
    def asynchronous(self) -> bool:
        return self.poll_path is not None


@lru_cache(maxsize=64)
def path_info(path: str) -> PathInfo:
    if path not in allowed_paths():
        raise UserError(f"Unknown StabilityAI path '{path}': choose one of the listed paths.")
    paths = document()["paths"]
    post = paths[path]["post"]
    accept = _accept_default(post)
    post_types = _ok_media_types(post)
    poll_path = next((p for p in paths if "/result/" in p and p.startswith(path + "/")), None)
    if poll_path is None and accept is None and post_types and all(t == "application/json" for t in post_types):
        # An asynchronous job without its own result path (replace-background-and-relight): the generic one.
        poll_path = _GENERIC_RESULTS_PATH if _GENERIC_RESULTS_PATH in paths else None
    if poll_path is not None:
        poll = paths[poll_path]["get"]
        poll_accept = _accept_default(poll)
        output = _output_type([poll_accept, *_ok_media_types(poll)])
        return PathInfo(path, accept, poll_path, poll_accept, output)
    return PathInfo(path, accept, None, None, _output_type([accept, *post_types]))


def request_schema(path: str) -> dict[str, Any]:
    """The POST body schema of the first content type, resolved."""
    body = document()["paths"][path]["post"].get("requestBody", {})
    for content in body.get("content", {}).values():
        if "schema" in content:
            return resolve(content["schema"])
    return {"type": "object", "properties": {}}


# ---- schema -> form fields ----------------------------------------------------------------------
def is_binary(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "string" and prop.get("format") == "binary"


def convert_property(name: str, prop: dict[str, Any], required: bool) -> Field:
    """One form field for one schema property."""
    kind = prop.get("type")
    common: dict[str, Any] = {"name": name, "label": name, "description": prop.get("description"),
                              "required": required or None}
    if "default" in prop:
        common["defaultValue"] = prop["default"]
    if kind == "string" and prop.get("enum"):
        default = prop.get("default")
        options = [Option(value=str(value), label=str(value), default=value == default) for value in prop["enum"]]
        return Field(type="select", options=options, **common)
    if is_binary(prop):
        return Field(type="fileUpload", hasHandle=True, isBinary=True, placeholder="Resource URL", **common)
    if kind in ("number", "integer"):
        minimum, maximum = prop.get("minimum"), prop.get("maximum")
        if kind == "number" and minimum is not None and maximum is not None and maximum <= _SLIDER_MAX:
            return Field(type="slider", min=minimum, max=maximum, **common)
        return Field(type="numericfield", hasHandle=True, min=minimum, max=maximum,
                     allowDecimal=kind == "number", step=1 if kind == "integer" else None, **common)
    if kind == "boolean":
        return Field(type="boolean", **common)
    example = prop.get("example")
    placeholder = str(example) if example is not None and not isinstance(example, (dict, list)) else None
    return Field(type="textfield", hasHandle=True, placeholder=placeholder, **common)


def convert_schema(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", []))
    return [convert_property(name, prop, name in required) for name, prop in schema.get("properties", {}).items()]


def _discriminator_value(option: dict[str, Any], prop: str, mapping: dict[str, str]) -> Any:
    ref = option.get("x-ref")
    for value, target in mapping.items():
        if target == ref:
            return value
    candidate = option.get("properties", {}).get(prop, {})
    if candidate.get("enum"):
        return candidate["enum"][0]
    return candidate.get("default", ref.rsplit("/", 1)[-1] if ref else None)


def config_for_schema(name: str, schema: dict[str, Any], output_type: OutputType | None) -> AnyNodeConfig:
    """A NodeConfig, or a NodeConfigVariant for a oneOf schema with a discriminator."""
    discriminator = schema.get("discriminator") or {}
    if schema.get("oneOf") and discriminator.get("propertyName"):
        prop = discriminator["propertyName"]
        subs = []
        for option in schema["oneOf"]:
            merged = {**option, "properties": {**schema.get("properties", {}), **option.get("properties", {})},
                      "required": list(dict.fromkeys(schema.get("required", []) + option.get("required", [])))}
            value = _discriminator_value(option, prop, discriminator.get("mapping", {}))
            config = NodeConfig(nodeName=name, outputType=output_type, fields=convert_schema(merged), **HEADER)
            subs.append(DiscriminatedNodeConfig(config=config, discriminators={prop: value}))
        return NodeConfigVariant(nodeName=name, discriminatorFields=[prop], subConfigurations=subs, **HEADER)
    if schema.get("oneOf"):
        first = schema["oneOf"][0]
        schema = {**first, "properties": {**schema.get("properties", {}), **first.get("properties", {})},
                  "required": schema.get("required", []) + first.get("required", [])}
    return NodeConfig(nodeName=name, outputType=output_type, fields=convert_schema(schema), **HEADER)


@lru_cache(maxsize=64)
def _cached_config(path: str) -> AnyNodeConfig:
    return config_for_schema(node_name(path), request_schema(path), path_info(path).output_type)


def node_config_for(path: str) -> AnyNodeConfig:
    """The form of the generic StabilityAI node for one API path (a fresh copy; callers may change it)."""
    path_info(path)  # validates the path
    return _cached_config(path).model_copy(deep=True)


def fields_for_values(config: AnyNodeConfig, values: dict[str, Any]) -> list[Field]:
    """The fields in effect: a variant's sub-configuration matching the node's discriminator values."""
    if isinstance(config, NodeConfig):
        return config.fields
    for sub in config.subConfigurations:
        if all(values.get(key) == value for key, value in sub.discriminators.items()):
            return sub.config.fields
    return config.subConfigurations[0].config.fields if config.subConfigurations else []
