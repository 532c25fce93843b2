"""document-to-text-processor: the text of a PDF, text, CSV, Markdown, HTML or JSON document at a URL."""

from __future__ import annotations

import json
import mimetypes
from typing import IO, Any, Callable
from urllib.parse import unquote, urlsplit

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig

_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/binary",
                  "application/x-download", "application/force-download"}
_TEXT_TYPES = {"text/plain", "text/csv", "text/markdown", "text/x-markdown", "text/tab-separated-values"}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_EXTENSIONS = {".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv", ".txt": "text/plain",
               ".json": "application/json", ".pdf": "application/pdf", ".html": "text/html",
               ".htm": "text/html", ".tsv": "text/tab-separated-values"}
SUPPORTED = "PDF, plain text, CSV, Markdown, HTML and JSON"


class DocumentToTextProcessor(Processor):
    processor_type = "document-to-text-processor"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="DocumentToText", icon="FaFile", section="input", outputType="text",
            helpMessage="documentToTextHelp", showHandlesNames=True, defaultHideOutput=True,
            fields=[Field(name="document_url", type="textfield", required=True, hasHandle=True,
                          placeholder="URLPlaceholder")],
        )

    def process(self) -> Any:
        url = (self.text_input("document_url") or "").strip()
        if not url:
            raise UserError("No document URL provided.")
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise UserError(f"Invalid URL '{url}': give the http(s) address of the document.")
        limit = int(self.ctx.settings.document_max_mb * 1048576)
        with self.open_file(url, max_bytes=limit) as document:
            kind = document_type(document.content_type, url)
            return concurrency.run_blocking(converter_for(kind, url), document.open())


def document_type(content_type: str | None, url: str) -> str:
    """The media type to read the document as: the server's, else the one of the URL's extension."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in _GENERIC_TYPES:
        path = unquote(urlsplit(url).path).lower()
        extension = "." + path.rsplit(".", 1)[1] if "." in path.rsplit("/", 1)[-1] else ""
        kind = _EXTENSIONS.get(extension) or mimetypes.guess_type(path)[0] or kind
    return kind


def converter_for(kind: str, url: str) -> Callable[[IO[bytes]], str]:
    if kind == "application/pdf":
        return pdf_text
    if kind in _TEXT_TYPES:
        return text_of
    if kind in _HTML_TYPES:
        return html_text
    if kind == "application/json" or kind.endswith("+json"):
        return json_text
    shown = kind or "unknown"
    raise UserError(f"The file type '{shown}' of '{url}' is not supported: Document-to-Text reads {SUPPORTED} "
                    "documents.")


def text_of(file: IO[bytes]) -> str:
    return decode_text(file.read())


def decode_text(data: bytes) -> str:
    """Text bytes as str: UTF-8 (with or without BOM), else UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def pdf_text(file: IO[bytes]) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(file)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UserError("The PDF is password-protected; its text cannot be read.")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except UserError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
        raise UserError("The document is not a readable PDF file.") from None
    text = "\n\n".join(page for page in pages if page)
    if not text:
        raise UserError("The PDF contains no text that can be extracted (it may be scanned images).")
    return text


def html_text(file: IO[bytes]) -> str:
    from bs4 import BeautifulSoup

    from app.nodes.core.url_input import html_to_markdown

    soup = BeautifulSoup(file, "html.parser")
    for element in soup.select("head, script, style, noscript, template, meta, link"):
        element.decompose()
    return html_to_markdown([soup])


def json_text(file: IO[bytes]) -> str:
    try:
        value = json.loads(decode_text(file.read()))
    except json.JSONDecodeError as exc:
        raise UserError(f"The document is not valid JSON ({exc.msg}, line {exc.lineno}, column {exc.colno}).") from None
    return json.dumps(value, indent=2, ensure_ascii=False)
