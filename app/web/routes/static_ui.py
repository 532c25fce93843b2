"""The built editor (ui/dist) at / with a single-page-app fallback."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from app.settings import Settings
from app.web.headers import editor_csp

bp = Blueprint("static_ui", __name__)


class EditorPath(PathConverter):
    """Any path but the run API's: /api/... never falls back to the editor (nor shows in the API's Allow)."""

    regex = r"(?!api/)[^/].*?"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("editor_path", EditorPath))

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>AI-Flow</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>The editor is not built yet</h1>
<p>The server is running (Socket.IO and REST work). Build the editor with <code>make start</code>,
or <code>cd ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, then reload this page.</p></body>"""


@bp.get("/")
@bp.get("/<editor_path:path>")
def index(path: str = ""):  # type: ignore[no-untyped-def]
    settings = current_app.extensions["injector"].get(Settings)
    dist = settings.ui_dist_dir
    if not settings.serve_static_files:
        raise NotFound()
    if not (dist / "index.html").is_file():
        return NOT_BUILT, 200, {"Content-Type": "text/html; charset=utf-8"}
    if path:
        try:
            return send_from_directory(dist, path)
        except NotFound:
            if "." in path.rsplit("/", 1)[-1]:
                raise
    response = send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.after_request
def _editor_headers(response: Response) -> Response:
    settings = current_app.extensions["injector"].get(Settings)
    response.headers.setdefault("Content-Security-Policy", editor_csp(settings))
    return response
