"""A Markdown help page as a standalone HTML page: GitHub-style heading anchors, links between help pages kept."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

# The page's own look (light or dark after the system); no script.
STYLE = """
:root { color-scheme: light dark; --text: #1a1f2b; --muted: #667085; --bg: #ffffff; --code: #f4f6fa;
  --border: #e1e5ee; --accent: #0d9488; }
@media (prefers-color-scheme: dark) { :root { --text: #e7e9ef; --muted: #8d95a8; --bg: #0d1016; --code: #151922;
  --border: #2a3140; --accent: #2dd4bf; } }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.6 system-ui, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
a { color: var(--accent); }
code { background: var(--code); border-radius: 4px; padding: 0.1em 0.3em; font-size: 0.9em; }
pre { background: var(--code); border: 1px solid var(--border); border-radius: 6px; padding: 0.8rem; overflow-x: auto; }
pre code { padding: 0; background: none; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--border); padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
h1, h2, h3 { line-height: 1.25; scroll-margin-top: 1rem; }
h2 { border-bottom: 1px solid var(--border); padding-bottom: 0.3rem; margin-top: 2rem; }
"""

_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")


def slug(text: str) -> str:
    """A heading's anchor as GitHub (and the editor's renderer, github-slugger) makes it."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or () if child.type in ("text", "code_inline"))


def _add_anchors(tokens: list[Token]) -> None:
    seen: dict[str, int] = {}
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type != "heading_open":
            continue
        anchor = slug(_inline_text(inline))
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        opening.attrSet("id", anchor if count == 0 else f"{anchor}-{count}")


def _rewrite_links(tokens: list[Token], link: Callable[[str], str]) -> None:
    for token in tokens:
        for child in token.children or ():
            href = child.attrGet("href") if child.type == "link_open" else None
            if isinstance(href, str):
                child.attrSet("href", link(href))


def render(source: str, title: str, link: Callable[[str], str]) -> str:
    """The page's HTML: raw HTML in the source is escaped, each heading gets its anchor, `link` maps hrefs."""
    tokens = _renderer.parse(source)
    _add_anchors(tokens)
    _rewrite_links(tokens, link)
    body = _renderer.renderer.render(tokens, _renderer.options, {})
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)} · AI-Flow</title><style>{STYLE}</style></head>\n"
            f"<body><main>\n{body}</main></body></html>\n")
