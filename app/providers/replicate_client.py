"""Replicate: SDK client factory, error mapping, catalogue reads with TTL caches, and the REST key rule.

Base URL: REPLICATE_BASE_URL is the API root, with or without the trailing `/v1`
(`https://api.replicate.com` and `https://api.replicate.com/v1` both work; the SDK adds `/v1` itself).

Keys: runs use the `replicate_api_key` run parameter (see app.nodes.core.replicate). The REST catalogue
routes use the `X-Replicate-Api-Key` request header when present, else the server's REPLICATE_API_KEY
(environment, or the editor's App parameters through `update_app_config`). A key in the query string is
deliberately not accepted: URLs end up in logs and browser history.

Caches are per process, keyed by (what was asked, a fingerprint of the key): a different key never sees
another key's answers, and a changed server key takes effect at once. Errors are never cached.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
import replicate
import requests
from cachetools import TTLCache
from replicate.exceptions import ReplicateError

from app.errors import UserError
from app.providers.clients import cached_client
from app.providers.common import key_fingerprint, provider_error, provider_slot
from app.providers.http_pool import pooled_transport
from app.settings import Settings

log = logging.getLogger(__name__)

PROVIDER = "Replicate"
DEFAULT_BASE_URL = "https://api.replicate.com"
KEY_HEADER = "X-Replicate-Api-Key"
#: Fields the editor never reads and that make catalogue answers heavy (reference §6).
HEAVY_MODEL_FIELDS = ("latest_version", "default_example")

T = TypeVar("T")

# name -> cache; sizes and lifetimes follow the reference (§6), plus pinned version schemas.
_CACHES: dict[str, TTLCache[Any, Any]] = {
    "models": TTLCache(maxsize=100, ttl=600),
    "collections": TTLCache(maxsize=32, ttl=12_000),
    "collection": TTLCache(maxsize=256, ttl=12_000),
    "model": TTLCache(maxsize=512, ttl=12_000),
    "version": TTLCache(maxsize=512, ttl=12_000),
    "highlighted": TTLCache(maxsize=16, ttl=120_000),
}
_cache_lock = threading.Lock()  # green under gevent/eventlet (monkey-patched); held only around dict access
_MISS = object()


def api_root(settings: Settings) -> str:
    """The API root without `/v1` (the SDK's paths start with /v1)."""
    base = (settings.replicate_base_url or DEFAULT_BASE_URL).rstrip("/")
    return base.removesuffix("/v1")


def make_client(settings: Settings, api_key: str, *, timeout: float | None = None) -> replicate.Client:
    """The (cached) SDK client on the configured base URL with the provider timeout, on the shared
    Replicate connection pool."""
    seconds = timeout or settings.provider_timeout_s

    def build() -> replicate.Client:
        return replicate.Client(api_token=api_key, base_url=api_root(settings),
                                timeout=httpx.Timeout(seconds, connect=min(10.0, seconds)),
                                transport=pooled_transport(httpx, PROVIDER, settings))

    return cached_client(f"{PROVIDER}:{seconds:g}", api_root(settings), api_key, build)


def error_detail(exc: ReplicateError) -> str | None:
    return exc.detail or exc.title


@contextmanager
def replicate_errors() -> Iterator[None]:
    """Turn SDK and transport exceptions into a plain-words UserError (no key, no traceback)."""
    try:
        yield
    except UserError:
        raise
    except ReplicateError as exc:
        raise provider_error(PROVIDER, exc.status, error_detail(exc)) from None
    except httpx.HTTPError:
        raise provider_error(PROVIDER, None) from None
    except (ValueError, TypeError) as exc:  # an answer that does not have the documented shape
        log.warning("unexpected answer from Replicate: %s", type(exc).__name__)
        raise provider_error(PROVIDER, 502, "unexpected answer format") from None


def call(settings: Settings, api_key: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """One SDK call under the provider's concurrency limits for this key, with errors mapped."""
    with provider_slot(settings, PROVIDER, api_key), replicate_errors():
        return fn(*args, **kwargs)


# ---- caches ---------------------------------------------------------------------------------
def cached(cache_name: str, key: tuple[Any, ...], fetch: Callable[[], T]) -> T:
    """The cached answer for `key`, or fetch() stored for next time (an exception is not stored)."""
    cache = _CACHES[cache_name]
    with _cache_lock:
        hit = cache.get(key, _MISS)
    if hit is not _MISS:
        return hit  # type: ignore[return-value]
    value = fetch()
    with _cache_lock:
        cache[key] = value
    return value


# ---- catalogue (raw JSON, as the editor expects it) ----------------------------------------
def catalogue_key(settings: Settings, header_value: str | None) -> str:
    """The key for a REST catalogue call: the request's header, else the server's REPLICATE_API_KEY."""
    key = (header_value or "").strip() or (settings.replicate_api_key or "").strip()
    if not key:
        raise UserError("No Replicate API key: set REPLICATE_API_KEY on the server (or in the editor's "
                        f"App parameters), or send the {KEY_HEADER} header.", status=401)
    return key


_session = requests.Session()


def catalogue_get(settings: Settings, api_key: str, path: str, params: dict[str, str] | None = None) -> Any:
    """GET a JSON document of the Replicate API (path below /v1), with a timeout and mapped errors."""
    url = f"{api_root(settings)}/v1/{path.lstrip('/')}"
    headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
    with provider_slot(settings, PROVIDER, api_key):
        try:
            response = _session.get(url, headers=headers, params=params or None,
                                    timeout=(min(10.0, settings.provider_timeout_s), settings.provider_timeout_s))
        except requests.RequestException:
            raise provider_error(PROVIDER, None) from None
    if response.status_code >= 400:
        raise provider_error(PROVIDER, response.status_code, _problem_detail(response))
    try:
        return response.json()
    except ValueError:
        raise provider_error(PROVIDER, 502, "the answer was not JSON") from None


def _problem_detail(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        for name in ("detail", "title"):
            if isinstance(body.get(name), str):
                return body[name]
    return None


def slim_model(model: Any) -> Any:
    """A model object without the heavy fields the editor does not use."""
    if isinstance(model, dict):
        return {k: v for k, v in model.items() if k not in HEAVY_MODEL_FIELDS}
    return model


def slim_models(models: Any) -> Any:
    return [slim_model(m) for m in models] if isinstance(models, list) else models


def version_schema(settings: Settings, api_key: str, owner: str, name: str, version: str | None = None
                   ) -> dict[str, Any]:
    """{id, openapi_schema} of a model version (the latest one when `version` is None), cached."""

    def fetch() -> dict[str, Any]:
        if version:
            found = catalogue_get(settings, api_key, f"models/{owner}/{name}/versions/{version}")
        else:
            model = catalogue_get(settings, api_key, f"models/{owner}/{name}")
            found = model.get("latest_version") if isinstance(model, dict) else None
            if not isinstance(found, dict):
                raise UserError(f"The Replicate model '{owner}/{name}' has no published version.", status=502)
        schema = found.get("openapi_schema") if isinstance(found, dict) else None
        if not isinstance(schema, dict) or not found.get("id"):
            raise UserError(f"Replicate has no input schema for the model '{owner}/{name}'"
                            f"{f' version {version}' if version else ''}.", status=502)
        return {"id": found["id"], "openapi_schema": schema}

    return cached("version", (f"{owner}/{name}", version, key_fingerprint(api_key)), fetch)
