"""The node catalogue: /node/extensions (reference shape), /node/configs (every node type), dynamic configs."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from injector import Inject

from app.errors import UserError
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings
from app.web.inject import injected

bp = Blueprint("nodes", __name__, url_prefix="/node")


@bp.get("/extensions")
@injected
def extensions(registry: Inject[ProcessorRegistry], settings: Inject[Settings]):  # type: ignore[no-untyped-def]
    configs = registry.configs(extensions_only=True, whitelist=settings.extensions_whitelist,
                               blacklist=settings.extensions_blacklist)
    return jsonify({"extensions": configs})


@bp.get("/configs")
@injected
def configs(registry: Inject[ProcessorRegistry], settings: Inject[Settings]):  # type: ignore[no-untyped-def]
    """Every node type's config, core ones too: the editor needs no change to show a new node type."""
    listed = registry.configs(whitelist=settings.extensions_whitelist, blacklist=settings.extensions_blacklist)
    return jsonify({"nodes": listed, "types": registry.types()})


@bp.post("/extensions/dynamic")
@injected
def dynamic_extension(registry: Inject[ProcessorRegistry]):  # type: ignore[no-untyped-def]
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UserError("Send a JSON object {processorType, data}.", status=400)
    processor_type = body.get("processorType")
    data = body.get("data")
    if not isinstance(processor_type, str) or not processor_type:
        raise UserError("'processorType' is required.", status=400)
    if not isinstance(data, dict):
        raise UserError("'data' must be an object.", status=400)
    return jsonify(registry.dynamic_config(processor_type, data))
