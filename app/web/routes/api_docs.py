"""The run API's OpenAPI document and its docs page (Swagger UI from the swagger-ui-bundle package: no CDN)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, send_from_directory
from injector import Inject
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

from app.settings import Settings
from app.web.api import openapi
from app.web.headers import editor_csp
from app.web.inject import injected

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

PAGE_DIR = Path(__file__).resolve().parent.parent / "api" / "docs_page"
SWAGGER_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js")


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(openapi.document())


@bp.get("/docs")
@injected
def docs(settings: Inject[Settings]) -> Response:
    response = send_from_directory(PAGE_DIR, "index.html", max_age=0)
    response.headers["Content-Security-Policy"] = editor_csp(settings)
    return response


@bp.get("/docs/<name>")
def docs_asset(name: str) -> Response:
    if name == "docs.js":
        return send_from_directory(PAGE_DIR, name, max_age=0)
    if name not in SWAGGER_ASSETS:
        raise NotFound()
    return send_from_directory(Path(str(swagger_ui_path)), name, max_age=86400)
