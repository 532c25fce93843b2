"""Help pages as HTML: GitHub's heading anchors, escaped raw HTML, links between help pages."""

from __future__ import annotations

import re

from app.web import markdown_page
from app.web.routes.help_pages import _page_link


def render(source: str) -> str:
    return markdown_page.render(source, "Title", _page_link)


def test_headings_get_the_anchors_github_gives_them() -> None:
    page = render("# Getting started\n\n## Save and publish\n\n### `url_input`\n\n### `llm-prompt`\n\n"
                  "## Files\n\n## Files\n")
    assert re.findall(r'<h\d id="([^"]+)"', page) == [
        "getting-started", "save-and-publish", "url_input", "llm-prompt", "files", "files-1"]
    assert markdown_page.slug("History and resume (runs)") == "history-and-resume-runs"


def test_raw_html_in_the_source_is_shown_as_text() -> None:
    page = render('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">\n')
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


def test_links_to_help_pages_lead_to_their_html_others_stay() -> None:
    page = render("[a](nodes.md#llm-prompt) [b](./guide.md) [c](architecture.md) [d](/api/v1/docs) [e](#files)\n")
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert hrefs == ["/help/nodes#llm-prompt", "/help/guide", "architecture.md", "/api/v1/docs", "#files"]


def test_tables_are_rendered() -> None:
    assert "<table>" in render("| a | b |\n| --- | --- |\n| 1 | 2 |\n")
