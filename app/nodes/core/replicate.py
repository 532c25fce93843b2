"""replicate: run any Replicate model version; inputs checked against that version's schema, files kept.

The editor builds this node's form from the model's OpenAPI Input schema and stores
`model = "owner/name:version"`. At run time the server reads the pinned version's schema, sends only
the schema's Input properties (coerced to their types), creates the prediction, polls it without
blocking the server (cancellable, with an overall timeout), shapes the output from the Output schema
and copies file outputs into our storage, because Replicate's delivery URLs expire.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import mimetypes
import re
import time
from typing import Any
from urllib.parse import unquote, urlsplit

from replicate.exceptions import ReplicateError

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import NodeConfig
from app.providers import replicate_client as rc

log = logging.getLogger(__name__)

TERMINAL = ("succeeded", "failed", "canceled")
_MODEL_REF = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([A-Za-z0-9]+))?$")
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,6}$")
#: Our own files sent as data URIs (Replicate cannot reach this server's local storage) up to this size.
MAX_INLINE_FILE_BYTES = 20 * 1024 * 1024
#: The largest backoff between two polls of a long prediction (seconds).
MAX_POLL_DELAY = 2.0


class ReplicateProcessor(Processor):
    processor_type = "replicate"
    provider = "Replicate"
    api_key_name = "replicate_api_key"

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._api_key: str | None = None
        self._sdk: Any = None
        self._prediction_id: str | None = None
        self._cancel_started = False
        self._cancel_done = concurrency.event()

    # ---- declaration -------------------------------------------------------------------------
    @classmethod
    def node_config(cls) -> NodeConfig | None:
        return None  # the editor's Replicate component builds the form from the model's schema

    @classmethod
    def required_fields(cls, node: Any) -> list[str]:
        """The fields the editor marked required when it built the form from the schema."""
        if cls.node_config() is not None:
            return super().required_fields(node)
        fields = (node.config or {}).get("fields") or []
        return [f["name"] for f in fields
                if isinstance(f, dict) and f.get("required") and isinstance(f.get("name"), str)
                and not f.get("condition") and not f.get("hidden")]

    # ---- what to run (subclasses with a fixed model override these) -------------------------
    def model_ref(self) -> tuple[str, str, str | None]:
        """(owner, name, version) from `model` ("owner/name:version"), else the config's nodeName."""
        raw = self.node.get("model") or (self.node.config or {}).get("nodeName") or ""
        match = _MODEL_REF.match(str(raw).strip())
        if not match:
            raise UserError(f"Cannot find the Replicate model to run ('{str(raw)[:100]}'): choose a model "
                            "in the node (owner/name:version).")
        owner, name, version = match.groups()
        return owner, name, version

    def load_schema(self, owner: str, name: str, version: str | None) -> tuple[str, dict[str, Any]]:
        """(version id, OpenAPI schema) of the pinned version (the latest one when none is pinned)."""
        found = rc.version_schema(self.ctx.settings, self._key(), owner, name, version)
        return found["id"], found["openapi_schema"]

    def prediction_input(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The node's values for the schema's Input properties, checked and converted to their types."""
        return build_input(schema, self.input, self.portable_file)

    # ---- running -------------------------------------------------------------------------------
    def process(self) -> Any:
        owner, name, version = self.model_ref()
        self._key()  # a missing key is reported before anything else
        version_id, schema = self.load_schema(owner, name, version)
        model_input = self.prediction_input(schema)
        # An unpinned model (e.g. an official one) runs through its model endpoint, at its current version.
        prediction = self._create(owner, name, version_id if version else None, model_input)
        prediction = self._await(prediction, f"{owner}/{name}")
        output, is_file = shape_output(prediction.output, schema)
        if is_file:
            output = self._keep_files(output)
        return output

    def cancel(self) -> None:
        """Cancel the prediction on Replicate (the run was cancelled, or the prediction timed out)."""
        if self._cancel_started:
            return
        self._cancel_started = True
        prediction_id, key = self._prediction_id, self._api_key
        try:
            if prediction_id and key:
                rc.make_client(self.ctx.settings, key, timeout=10.0).predictions.cancel(prediction_id)
                log.info("cancelled Replicate prediction %s", prediction_id)
        except Exception as exc:  # the run ends anyway; log without details that could hold the key
            log.warning("could not cancel Replicate prediction %s: %s", prediction_id, type(exc).__name__)
        finally:
            self._cancel_done.set()

    def _stop(self, message: str) -> UserError:
        """Cancel the prediction and wait for that to be done (whoever started it), then fail with `message`."""
        self.cancel()
        self._cancel_done.wait(15.0)
        return UserError(message)

    # ---- steps ----------------------------------------------------------------------------------
    def _key(self) -> str:
        if self._api_key is None:
            self._api_key = self.api_key()
        return self._api_key

    def _client(self) -> Any:
        if self._sdk is None:
            self._sdk = rc.make_client(self.ctx.settings, self._key())
        return self._sdk

    def _create(self, owner: str, name: str, version_id: str | None, model_input: dict[str, Any]) -> Any:
        """Create the prediction; a 429 or 503 (nothing was created) is retried with a short backoff."""
        settings = self.ctx.settings
        client = self._client()
        attempts = settings.provider_max_retries + 1
        for attempt in range(attempts):
            try:
                with rc.provider_slot(rc.PROVIDER, settings.provider_concurrency):
                    if version_id:
                        prediction = client.predictions.create(version=version_id, input=model_input)
                    else:
                        prediction = client.models.predictions.create(model=f"{owner}/{name}", input=model_input)
                break
            except ReplicateError as exc:
                if exc.status in (429, 503) and attempt + 1 < attempts:
                    if self.ctx.cancelled.wait(min(8.0, 0.5 * 2 ** attempt)):
                        raise self._stop("The run was cancelled.") from None
                    continue
                if exc.status in (400, 422):
                    raise UserError(_input_rejected(f"{owner}/{name}", rc.error_detail(exc))) from None
                with rc.replicate_errors():
                    raise
            except Exception:
                with rc.replicate_errors():
                    raise
        self._prediction_id = prediction.id
        if self.cancelled:  # cancelled while the create call was in flight
            raise self._stop("The run was cancelled.")
        return prediction

    def _await(self, prediction: Any, model: str) -> Any:
        """Poll until the prediction ends, waiting on the run's cancel signal between polls."""
        settings = self.ctx.settings
        client = self._client()
        timeout = settings.replicate_timeout_s
        deadline = time.monotonic() + timeout
        delay = settings.replicate_poll_interval
        while prediction.status not in TERMINAL:
            if self.ctx.cancelled.wait(min(delay, max(0.0, deadline - time.monotonic()))):
                raise self._stop("The run was cancelled.")
            if time.monotonic() >= deadline:
                raise self._stop(f"The Replicate prediction for '{model}' did not finish within {timeout:g} s; "
                                "it was cancelled (REPLICATE_TIMEOUT_S sets this limit).")
            prediction = rc.call(settings, client.predictions.get, prediction.id)
            delay = min(delay * 1.25, max(settings.replicate_poll_interval, MAX_POLL_DELAY))
        if prediction.status != "succeeded":
            raise UserError(_failure_message(model, prediction.status, prediction.error))
        return prediction

    def _keep_files(self, output: Any) -> Any:
        """Copy every file URL of the output into our storage (Replicate deletes its files after an hour)."""
        if isinstance(output, list):
            return [self._keep_file(item) for item in output]
        return self._keep_file(output)

    def _keep_file(self, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        if value.startswith("data:"):
            data, content_type = decode_data_uri(value)
            extension = _extension_for(None, content_type)
        else:
            data, content_type = self._download(value)
            extension = _extension_for(value, content_type)
        return self.save_file(data, extension, content_type=content_type)

    def _download(self, url: str) -> tuple[bytes, str | None]:
        """An output file, through the fetch helper (size limit, private-address guard), with the provider
        timeout: generated videos can take longer than an ordinary fetch."""
        if self.ctx.fetcher is None:
            raise UserError("Fetching files is not available on this server.")
        settings = self.ctx.settings
        result = self.ctx.fetcher.get(url, timeout=max(settings.fetch_timeout_s, settings.provider_timeout_s))
        if result.status >= 400:
            raise UserError(f"Could not download the Replicate output '{url}': the server answered {result.status}.")
        return result.content, result.content_type or None

    def portable_file(self, url: str) -> str:
        """A file URL Replicate can read: our own files on a private address are sent inline."""
        if not url.startswith(("http://", "https://")) or self.ctx.storage is None:
            return url
        host = urlsplit(url).hostname or ""
        if _is_public_host(host):
            return url
        data = self.ctx.storage.read(url)
        if data is None:
            return url
        if len(data) > MAX_INLINE_FILE_BYTES:
            raise UserError(f"The file '{url}' is stored on this server, which Replicate cannot reach, and is "
                            f"too large to send inline ({len(data) / 1048576:.1f} MB; the limit is "
                            f"{MAX_INLINE_FILE_BYTES // 1048576} MB). Configure S3 storage or PUBLIC_URL.")
        content_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
        encoded = concurrency.run_blocking(base64.b64encode, data)
        return f"data:{content_type};base64,{encoded.decode()}"


# ---- messages ----------------------------------------------------------------------------------
def _examples(model: str) -> str:
    return f"https://replicate.com/{model}/examples"


def _input_rejected(model: str, detail: str | None) -> str:
    message = (f"Replicate rejected the input for '{model}'. Please check the values against what the model "
               f"expects; examples: {_examples(model)}")
    if detail:
        message += f"\n\nMessage from Replicate: {' '.join(str(detail).split())[:500]}"
    return message


def _failure_message(model: str, status: str, error: Any) -> str:
    message = f"Your Replicate prediction ended with status: {status}."
    if status == "canceled":
        message += f" It was cancelled on Replicate. Examples of inputs for '{model}': {_examples(model)}"
    else:
        message += (f"\n\nThere may be an issue with the parameters given to '{model}'; examples: "
                    f"{_examples(model)}")
    if error:
        message += f"\n\nMessage from Replicate: {' '.join(str(error).split())[:500]}"
    return message


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


def _extension_for(url: str | None, content_type: str | None) -> str:
    if url:
        last = urlsplit(url).path.rsplit("/", 1)[-1]
        if "." in last:
            extension = last.rsplit(".", 1)[-1]
            if _EXTENSION.match(extension):
                return extension.lower()
    guessed = mimetypes.guess_extension(content_type) if content_type else None
    return guessed.lstrip(".") if guessed else "bin"


def _is_public_host(host: str) -> bool:
    """Whether Replicate could plausibly reach `host` (a global IP, or a dotted DNS name)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        pass
    return bool(host) and "." in host and not host.endswith((".localhost", ".local", ".internal"))
