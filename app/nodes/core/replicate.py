"""replicate: run any Replicate model version; inputs checked against that version's schema, files kept.

The editor builds this node's form from the model's OpenAPI Input schema and stores
`model = "owner/name:version"`. At run time the server reads the pinned version's schema, sends only
the schema's Input properties (coerced to their types), creates the prediction, polls it without
blocking the server (cancellable, with an overall timeout), shapes the output from the Output schema
and copies file outputs into our storage, because Replicate's delivery URLs expire.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
import time
from typing import Any
from urllib.parse import urlsplit

from replicate.exceptions import ReplicateError

from app import concurrency
from app.errors import UserError
from app.net_body import FetchResult
from app.nodes.base import Processor
from app.nodes.config import NodeConfig
from app.providers import replicate_client as rc
from app.providers.replicate_schema import (
    build_input,
    decode_data_uri,
    extension_for,
    is_public_host,
    shape_output,
)

log = logging.getLogger(__name__)

TERMINAL = ("succeeded", "failed", "canceled")
_MODEL_REF = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([A-Za-z0-9]+))?$")
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
                with rc.provider_slot(settings, rc.PROVIDER, self._key(), self.ctx.waiting):
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
            prediction = rc.call(settings, self._key(), client.predictions.get, prediction.id)
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
            return self.save_file(data, extension_for(None, content_type), content_type=content_type)
        with self._download(value) as result:  # copied from its temporary file, never whole in memory
            content_type = result.content_type or None
            return self.save_file(result.open(), extension_for(value, content_type), content_type=content_type)

    def _download(self, url: str) -> FetchResult:
        """An output file, through the fetch helper (size limit, private-address guard), with the provider
        timeout: generated videos can take longer than an ordinary fetch."""
        if self.ctx.fetcher is None:
            raise UserError("Fetching files is not available on this server.")
        settings = self.ctx.settings
        result = self.ctx.fetcher.get(url, timeout=max(settings.fetch_timeout_s, settings.provider_timeout_s))
        if result.status >= 400:
            result.close()
            raise UserError(f"Could not download the Replicate output '{url}': the server answered {result.status}.")
        return result

    def portable_file(self, url: str) -> str:
        """A file URL Replicate can read: our own files on a private address are sent inline."""
        if not url.startswith(("http://", "https://")) or self.ctx.storage is None:
            return url
        host = urlsplit(url).hostname or ""
        if is_public_host(host):
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
