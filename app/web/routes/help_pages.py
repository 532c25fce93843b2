"""The editor's help pages, read-only: a fixed list of Markdown files of docs/, raw (/help/<page>.md, shown in the
editor's help popup) or as a standalone HTML page (/help/<page>, opened in a new tab)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app
from werkzeug.exceptions import NotFound

from app.settings import PROJECT_ROOT, Settings
from app.web import markdown_page
from app.web.headers import editor_csp

bp = Blueprint("help_pages", __name__, url_prefix="/help")

DOCS_DIR = PROJECT_ROOT / "docs"
# page name -> title; the file is docs/<name>.md. Nothing else under docs/ is served.
PAGES = {"guide": "Getting started", "nodes": "Node reference"}
_PAGE_LINK = re.compile(r"^(?:\./)?([a-z]+)\.md(#[\w-]*)?$")


def _source(name: str) -> str:
    if name not in PAGES:
        raise NotFound("No such help page.")
    return (DOCS_DIR / f"{name}.md").read_text(encoding="utf-8")


def _page_link(href: str) -> str:
    """A link to another help page's Markdown file leads to that page's HTML."""
    match = _PAGE_LINK.match(href)
    if match and match.group(1) in PAGES:
        return f"/help/{match.group(1)}{match.group(2) or ''}"
    return href


def _answer(body: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.cache_control.no_cache = True
    response.headers["Content-Security-Policy"] = editor_csp(current_app.extensions["injector"].get(Settings))
    return response


@bp.get("/<name>.md")
def markdown(name: str) -> Response:
    return _answer(_source(name), "text/markdown")


@bp.get("/<name>")
def page(name: str) -> Response:
    return _answer(markdown_page.render(_source(name), PAGES.get(name, ""), _page_link), "text/html")
