"""The Replicate catalogue for the editor's model picker: models, collections, a model's input schema.

Shapes follow the reference (§6): Replicate's JSON with `latest_version` / `default_example` removed
from model objects. Key rule and caching: app.providers.replicate_client. A missing key answers 401,
a Replicate failure 502, both as JSON {error}.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from app.errors import UserError
from app.providers import replicate_client as rc
from app.settings import Settings

log = logging.getLogger(__name__)

bp = Blueprint("replicate", __name__, url_prefix="/node")

_MODEL = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([A-Za-z0-9]+))?$")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


def _settings() -> Settings:
    return current_app.extensions["injector"].get(Settings)


def _key(settings: Settings) -> str:
    return rc.catalogue_key(settings, request.headers.get(rc.KEY_HEADER))


def _cursor() -> str | None:
    cursor = request.args.get("cursor", "").strip()
    if len(cursor) > 512:
        raise UserError("The 'cursor' parameter is too long.", status=400)
    return cursor or None


def _params(cursor: str | None) -> dict[str, str] | None:
    return {"cursor": cursor} if cursor else None


def _highlighted(settings: Settings, key: str) -> list[Any] | None:
    """Models named in REPLICATE_MODELS_HIGHLIGHTED; one that fails is logged and skipped (not cached)."""
    names = tuple(settings.replicate_models_highlighted)
    if not names:
        return None
    fingerprint = rc.key_fingerprint(key)
    found: list[Any] = []
    complete = True
    for name in names:
        if not _MODEL.match(name) or ":" in name:
            log.warning("REPLICATE_MODELS_HIGHLIGHTED: '%s' is not owner/name; skipped", name)
            continue
        try:
            found.append(rc.cached("model", (name, fingerprint),
                                   lambda name=name: rc.slim_model(rc.catalogue_get(settings, key, f"models/{name}"))))
        except UserError as exc:
            complete = False
            log.warning("highlighted model %s could not be fetched: %s", name, exc.message)
    if complete:
        return rc.cached("highlighted", (names, fingerprint), lambda: found)
    return found


@bp.get("/models")
def models():  # type: ignore[no-untyped-def]
    """{public: a page of Replicate's models, highlighted: the configured spotlight models or null}."""
    settings = _settings()
    key = _key(settings)
    cursor = _cursor()

    def fetch() -> Any:
        page = rc.catalogue_get(settings, key, "models", _params(cursor))
        if isinstance(page, dict):
            page = {**page, "results": rc.slim_models(page.get("results"))}
        return page

    public = rc.cached("models", (cursor, rc.key_fingerprint(key)), fetch)
    return jsonify({"public": public, "highlighted": _highlighted(settings, key)})


@bp.get("/collections")
def collections():  # type: ignore[no-untyped-def]
    """Replicate's list of collections, as is (the editor reads `results`: {name, slug, ...})."""
    settings = _settings()
    key = _key(settings)
    cursor = _cursor()
    return jsonify(rc.cached("collections", (cursor, rc.key_fingerprint(key)),
                             lambda: rc.catalogue_get(settings, key, "collections", _params(cursor))))


@bp.get("/collections/<path:collection>")
def collection(collection: str):  # type: ignore[no-untyped-def]
    """One collection with its models (the editor reads `models` and `next`)."""
    if not _SLUG.match(collection) or len(collection) > 200:
        raise UserError(f"'{collection[:200]}' is not a collection slug.", status=400)
    settings = _settings()
    key = _key(settings)
    cursor = _cursor()

    def fetch() -> Any:
        data = rc.catalogue_get(settings, key, f"collections/{collection}", _params(cursor))
        if isinstance(data, dict) and "models" in data:
            data = {**data, "models": rc.slim_models(data["models"])}
        return data

    return jsonify(rc.cached("collection", (collection, cursor, rc.key_fingerprint(key)), fetch))


@bp.get("/replicate/config/<path:model>")
def model_config(model: str):  # type: ignore[no-untyped-def]
    """{schema: the OpenAPI schema, modelId: the version id} of `owner/name` (latest version) or of
    `owner/name:version` (that version). `?processorType=` is accepted and ignored, like the reference."""
    match = _MODEL.match(model)
    if not match:
        raise UserError(f"'{model[:200]}' is not a Replicate model name: use owner/name "
                        "(e.g. black-forest-labs/flux-schnell) or owner/name:version.", status=400)
    owner, name, version = match.groups()
    settings = _settings()
    found = rc.version_schema(settings, _key(settings), owner, name, version)
    return jsonify({"schema": found["openapi_schema"], "modelId": found["id"]})
