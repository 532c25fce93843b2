"""Replicate model schemas: inputs converted to the version's Input types, outputs shaped by its Output."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import mimetypes
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from app.errors import UserError

_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,6}$")


# ---- schema: inputs ------------------------------------------------------------------------------
def _resolve(prop: Any, doc: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """A property with its `$ref` / `allOf` references merged in (the enums Cog emits use allOf+$ref)."""
    if not isinstance(prop, dict) or depth > 8:
        return {}
    merged: dict[str, Any] = {}
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        merged.update(_resolve(target, doc, depth + 1))
    for part in prop.get("allOf") or []:
        merged.update(_resolve(part, doc, depth + 1))
    merged.update({k: v for k, v in prop.items() if k not in ("$ref", "allOf")})
    return merged


def _schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schemas = ((doc.get("components") or {}).get("schemas") or {}) if isinstance(doc, dict) else {}
    return _resolve(schemas.get(name) or {}, doc)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def build_input(doc: dict[str, Any], value_of: Any, portable: Any = None) -> dict[str, Any]:
    """{property: converted value} for each Input property that has a value; a required one must have one."""
    input_schema = _schema(doc, "Input")
    properties = input_schema.get("properties") or {}
    if not isinstance(properties, dict) or not properties:
        raise UserError("This Replicate model's schema describes no inputs; reload the model in the node.")
    required = set(input_schema.get("required") or [])
    result: dict[str, Any] = {}
    for name, raw_prop in properties.items():
        prop = _resolve(raw_prop, doc)
        value = value_of(name, None)
        if _blank(value):
            if name in required:
                raise UserError(f"The field '{name}' is required by this Replicate model.")
            continue
        result[name] = coerce(name, value, prop, doc, portable)
    return result


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def coerce(name: str, value: Any, prop: dict[str, Any], doc: dict[str, Any], portable: Any = None) -> Any:
    """Convert a field value (typed by the editor, or the output of a linked node) to its schema type."""
    kind = prop.get("type")
    enum = prop.get("enum")
    if kind is None and isinstance(enum, list) and enum:
        kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(enum[0]))
    if kind == "integer":
        result: Any = _to_integer(name, value)
    elif kind == "number":
        result = _to_number(name, value)
    elif kind == "boolean":
        result = _to_boolean(name, value)
    elif kind == "array":
        items = value if isinstance(value, list) else _json_list(value)
        item_schema = _resolve(prop.get("items") or {}, doc)
        result = [coerce(name, item, item_schema, doc, portable) for item in items]
    elif kind == "object":
        result = _to_object(name, value)
    elif kind == "string":
        result = _to_string(value)
        if prop.get("format") == "uri" and portable is not None:
            result = portable(result)
    else:
        result = value
    if isinstance(enum, list) and enum and result not in enum:
        choices = ", ".join(str(e) for e in enum[:20])
        raise UserError(f"The field '{name}' must be one of: {choices} (got '{str(value)[:100]}').")
    if kind in ("integer", "number"):
        low, high = prop.get("minimum"), prop.get("maximum")
        if isinstance(low, (int, float)) and result < low or isinstance(high, (int, float)) and result > high:
            bounds = f"between {low:g} and {high:g}" if low is not None and high is not None else (
                f"at least {low:g}" if low is not None else f"at most {high:g}")
            raise UserError(f"The field '{name}' must be {bounds} (got {result:g}).")
    return result


def _scalar(value: Any) -> Any:
    """A one-element list (the output of a linked node) stands for its element."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _to_integer(name: str, value: Any) -> int:
    value = _scalar(value)
    try:
        if isinstance(value, bool):
            return int(value)
        number = float(value.strip()) if isinstance(value, str) else float(value)
        if number.is_integer():
            return int(number)
    except (TypeError, ValueError, OverflowError):
        pass
    raise UserError(f"The field '{name}' expects a whole number, got '{str(value)[:100]}'.")


def _to_number(name: str, value: Any) -> float:
    value = _scalar(value)
    try:
        if not isinstance(value, bool):
            number = float(value.strip()) if isinstance(value, str) else float(value)
            if number == number and abs(number) != float("inf"):
                return number
    except (TypeError, ValueError):
        pass
    raise UserError(f"The field '{name}' expects a number, got '{str(value)[:100]}'.")


def _to_boolean(name: str, value: Any) -> bool:
    value = _scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise UserError(f"The field '{name}' expects true or false, got '{str(value)[:100]}'.")


def _to_object(name: str, value: Any) -> Any:
    value = _scalar(value)
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed
    raise UserError(f"The field '{name}' expects a JSON object.")


def _to_string(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_to_string(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return parsed
    return [value]


# ---- schema: output ------------------------------------------------------------------------------
def shape_output(output: Any, doc: dict[str, Any]) -> tuple[Any, bool]:
    """(output as the node returns it, whether it holds file URLs) from the Output schema (§8.1.12)."""
    if output is None:
        return "", False
    schema = _schema(doc, "Output")
    kind = schema.get("type")
    if kind == "array":
        items = output if isinstance(output, list) else [output]
        if schema.get("x-cog-array-display") == "concatenate":
            return "".join(_to_string(item) for item in items), False
        return items, _resolve(schema.get("items") or {}, doc).get("format") == "uri"
    if kind == "string":
        text = "".join(_to_string(item) for item in output) if isinstance(output, list) else output
        return text, schema.get("format") == "uri"
    if not schema and isinstance(output, (str, list)):
        return output, False
    return (output if isinstance(output, list) else [output]), False


# ---- files ---------------------------------------------------------------------------------------
def decode_data_uri(uri: str) -> tuple[bytes, str | None]:
    header, _, payload = uri.partition(",")
    content_type = header[5:].split(";")[0] or None
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=False), content_type
        return unquote(payload).encode(), content_type
    except (binascii.Error, ValueError):
        raise UserError("Replicate returned a malformed inline file.") from None


def extension_for(url: str | None, content_type: str | None) -> str:
    if url:
        last = urlsplit(url).path.rsplit("/", 1)[-1]
        if "." in last:
            extension = last.rsplit(".", 1)[-1]
            if _EXTENSION.match(extension):
                return extension.lower()
    guessed = mimetypes.guess_extension(content_type) if content_type else None
    return guessed.lstrip(".") if guessed else "bin"


def is_public_host(host: str) -> bool:
    """Whether Replicate could plausibly reach `host` (a global IP, or a dotted DNS name)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        pass
    return bool(host) and "." in host and not host.endswith((".localhost", ".local", ".internal"))
