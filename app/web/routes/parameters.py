"""GET /parameters: the API-key parameter names the editor asks for (config.yaml beside the package)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from flask import Blueprint, jsonify

from app.settings import PROJECT_ROOT

bp = Blueprint("parameters", __name__)
CONFIG_FILE = PROJECT_ROOT / "config.yaml"


@lru_cache(maxsize=1)
def load_parameters() -> dict[str, Any]:
    with CONFIG_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@bp.get("/parameters")
def parameters():  # type: ignore[no-untyped-def]
    return jsonify(load_parameters())
