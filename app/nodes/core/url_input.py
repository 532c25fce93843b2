"""url_input: fetches a web page and returns its content as Markdown (or cleaned HTML)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter
from soupsieve import SelectorSyntaxError

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig

DEFAULT_SELECTORS_TO_REMOVE = ["meta", "link", "script"]
#: Web pages larger than this are refused (the fetch helper stops reading past it).
MAX_PAGE_BYTES = 10 * 1048576
_HTML_TYPES = {"", "text/html", "application/xhtml+xml", "text/xml", "application/xml"}
_TEXT_TYPES = {"application/json", "application/ld+json", "application/javascript"}


class URLInputProcessor(Processor):
    processor_type = "url_input"
    cacheable = False  # a live page
    input_field = "url"

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="EnterURL", icon="FaLink", section="input", outputType="text", helpMessage="urlInputHelp",
            defaultHideOutput=True, showHandlesNames=True,
            fields=[
                Field(name="url", type="input", required=True, hasHandle=True, placeholder="URLPlaceholder"),
                Field(name="with_html_tags", type="boolean", defaultValue=False),
                Field(name="with_html_attributes", type="boolean", defaultValue=False),
                Field(name="selectors", type="list", placeholder="div .article #id"),
                Field(name="selectors_to_remove", type="list", defaultValue=list(DEFAULT_SELECTORS_TO_REMOVE)),
            ],
        )

    def process(self) -> Any:
        url = normalise_url(self.text_input("url"))
        selectors = string_list(self.input("selectors", []), "selectors")
        to_remove = string_list(self.input("selectors_to_remove", DEFAULT_SELECTORS_TO_REMOVE), "selectors_to_remove")
        with_tags = as_bool(self.input("with_html_tags", False))
        with_attributes = as_bool(self.input("with_html_attributes", False))
        if self.ctx.fetcher is None:
            raise UserError("Fetching web pages is not available on this server.")
        limit = min(MAX_PAGE_BYTES, int(self.ctx.settings.fetch_max_mb * 1048576))
        with self.ctx.fetcher.get(url, max_bytes=limit) as result:
            if result.status >= 400:
                raise UserError(f"Could not load '{url}': the server answered {result.status}.")
            content_type = result.content_type
            if (content_type.startswith("text/") and content_type not in _HTML_TYPES) or content_type in _TEXT_TYPES:
                return result.text()
            if content_type not in _HTML_TYPES and not content_type.endswith("+xml"):
                raise UserError(f"'{url}' is not a web page (its type is {content_type}); "
                                "use the Document-to-Text node to read files.")
            content, charset = result.content, result.charset
        return concurrency.run_blocking(extract_page, content, charset, selectors, to_remove,
                                        with_tags, with_attributes)

def normalise_url(raw: str | None) -> str:
    """The URL to fetch: https:// added when no scheme is given; a clear error when it cannot be one."""
    text = (raw or "").strip()
    if not text:
        raise UserError("No URL provided.")
    url = text if re.match(r"^https?://", text, re.IGNORECASE) else f"https://{text}"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    if not host or re.search(r"\s", url) or ("." not in host and ":" not in host and host != "localhost"):
        raise UserError(f"The provided URL '{text}' is not valid.\n\nPlease ensure the URL follows the correct "
                        "format, e.g., 'https://www.example.com' or 'https://example.com'.")
    return url


def extract_page(content: bytes, charset: str | None, selectors: list[str], to_remove: list[str],
                 with_tags: bool, with_attributes: bool) -> str:
    """Remove unwanted elements, keep the selected ones, return Markdown or HTML (CPU-bound)."""
    soup = BeautifulSoup(content, "html.parser", from_encoding=charset)
    for selector in to_remove:
        for element in _select(soup, selector, "selectors_to_remove"):
            element.decompose()
    parts: list[Any] = []
    if selectors:
        parts = _select(soup, ", ".join(selectors), "selectors")
    if not parts:
        parts = [soup]
    if with_tags:
        if not with_attributes:
            for part in parts:
                if getattr(part, "attrs", None):
                    part.attrs = {}
                for tag in part.find_all(True):
                    tag.attrs = {}
        return "\n".join(str(part) for part in parts).strip()
    return html_to_markdown(parts)


def html_to_markdown(parts: list[Any]) -> str:
    """Markdown of parsed HTML (a soup or some of its elements), blank-line runs collapsed."""
    converter = MarkdownConverter(heading_style="ATX")
    text = "\n\n".join(converter.convert_soup(part) for part in parts)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _select(soup: BeautifulSoup, selector: str, field: str) -> list[Any]:
    try:
        return list(soup.select(selector))
    except (SelectorSyntaxError, ValueError, NotImplementedError):
        raise UserError(f"Invalid CSS selector in '{field}': '{selector}'.") from None


def string_list(value: Any, field: str) -> list[str]:
    """A list field's value: a list of strings, a JSON list, or comma-separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        import json

        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = value.split(",")
        value = decoded if isinstance(decoded, list) else [value]
    if not isinstance(value, list):
        raise UserError(f"'{field}' must be a list of CSS selectors.")
    return [str(item).strip() for item in value if str(item).strip()]


def as_bool(value: Any) -> bool:
    """A switch value: true/false, or their usual text forms."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)
