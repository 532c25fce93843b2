"""openrouter-processor: any model of OpenRouter answers, streamed; vision models also get an image URL.

The model list starts from resources/data/openrouter_models.json and is refreshed from OpenRouter in the
background (never while someone waits for /node/extensions); a failed refresh keeps the current list.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from app import concurrency
from app.nodes.config import Field, NodeConfig, select, when
from app.nodes.text_generation import (
    TextGenerationProcessor,
    context_field,
    prompt_field,
)
from app.providers.openai_client import make_client
from app.providers.warm_up import wait_until_warm
from app.settings import RESOURCES_DIR, Settings

log = logging.getLogger(__name__)

PROVIDER = "OpenRouter"
DEFAULT_MODEL = "google/gemma-2-9b-it:free"
MODELS_FILE = RESOURCES_DIR / "data" / "openrouter_models.json"
REFRESH_AFTER_S = 12 * 3600
RETRY_AFTER_S = 600
FETCH_TIMEOUT_S = 10.0


def is_vision(model: dict[str, Any]) -> bool:
    architecture = model.get("architecture") or {}
    if architecture.get("modality") == "text+image->text":
        return True
    inputs = architecture.get("input_modalities") or []
    outputs = architecture.get("output_modalities") or []
    return "image" in inputs and "text" in outputs


class ModelCatalogue:
    """OpenRouter's models: served from memory; refreshed by a background task when stale."""

    def __init__(self) -> None:
        self._models: list[dict[str, Any]] | None = None
        self._next_refresh = 0.0
        self._refreshing = False

    def models(self) -> list[dict[str, Any]]:
        if self._models is None:
            self._models = self._from_file()
        return self._models

    @staticmethod
    def _from_file() -> list[dict[str, Any]]:
        try:
            data = json.loads(MODELS_FILE.read_text(encoding="utf-8")).get("data", [])
        except (OSError, ValueError, AttributeError):
            log.exception("could not read %s", MODELS_FILE)
            return []
        return _valid(data)

    def vision_ids(self) -> list[str]:
        return [m["id"] for m in self.models() if is_vision(m)]

    def refresh_soon(self, settings: Settings | None) -> None:
        """Start a background refresh if the list is stale and none is running (returns at once)."""
        if settings is None or settings.use_mock or self._refreshing or time.monotonic() < self._next_refresh:
            return  # mock mode (demos, tests) never calls a provider, OpenRouter's public list included
        self._refreshing = True
        self._next_refresh = time.monotonic() + RETRY_AFTER_S
        concurrency.spawn(self._refresh, settings)

    def _refresh(self, settings: Settings) -> None:
        try:
            models = _valid(fetch_models(settings))
            if models:
                self._models = models
                self._next_refresh = time.monotonic() + REFRESH_AFTER_S
                log.info("OpenRouter model list refreshed (%d models)", len(models))
        except Exception as exc:  # unreachable provider: keep the current list, try again later
            log.warning("OpenRouter model list not refreshed: %s", type(exc).__name__)
        finally:
            self._refreshing = False


def fetch_models(settings: Settings) -> list[Any]:
    """GET {OPENROUTER_BASE_URL}/models (a public list; the server's key is sent if it has one)."""
    wait_until_warm()
    import openai

    client = make_client(settings, settings.openrouter_api_key or "none", PROVIDER).with_options(
        timeout=min(FETCH_TIMEOUT_S, settings.provider_timeout_s), max_retries=0)
    headers = {} if settings.openrouter_api_key else {"Authorization": openai.Omit()}
    body = client.get("/models", cast_to=object, options={"headers": headers})
    return body.get("data", []) if isinstance(body, dict) else []


def _valid(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, list):
        return []
    return [m for m in data if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"]]


catalogue = ModelCatalogue()


def _app_settings() -> Settings | None:
    """The running server's settings when called inside a request (the catalogue route)."""
    try:
        from flask import current_app, has_app_context
    except ImportError:
        return None
    return current_app.extensions.get("settings") if has_app_context() else None


class OpenRouterProcessor(TextGenerationProcessor):
    processor_type = "openrouter-processor"
    provider = PROVIDER
    api_key_name = "openrouter_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        catalogue.refresh_soon(_app_settings())
        models = catalogue.models()
        ids = [m["id"] for m in models]
        default = DEFAULT_MODEL if DEFAULT_MODEL in ids or not ids else ids[0]
        return NodeConfig(
            nodeName="OpenRouter", icon="OpenRouterLogo", section="models", outputType="text",
            helpMessage="openRouterHelp", showHandlesNames=True,
            fields=[
                select("model", [(m["id"], str(m.get("name") or m["id"])) for m in models], default=default,
                       required=True),
                Field(name="image_url", type="textfield", label="image_url", hasHandle=True,
                      placeholder="InputImagePlaceholder", condition=when("model", "in", catalogue.vision_ids())),
                context_field(),
                prompt_field(),
            ],
        )

    def process(self) -> Any:
        settings = self.ctx.settings
        catalogue.refresh_soon(settings)
        model = self.node.get("model") or DEFAULT_MODEL
        prompt = self.joined_prompt()
        image_url = self.text_input("image_url")
        content: Any = prompt
        if image_url and image_url.strip() and model in catalogue.vision_ids():
            content = [{"type": "image_url", "image_url": {"url": image_url.strip()}},
                       {"type": "text", "text": prompt}]
        return self.stream_chat(PROVIDER, {"model": model, "messages": [{"role": "user", "content": content}]})
