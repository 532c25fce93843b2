"""README screenshots: written to docs/screenshots when missing or with UPDATE_SCREENSHOTS=1, else to a temp dir."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

from app.testing.server_process import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"


def save_screenshot(page: Page, name: str) -> Path:
    """Save the page as docs/screenshots/<name> (left alone when it exists, so a test run changes no tracked file)."""
    target = SCREENSHOTS / name
    if target.exists() and os.environ.get("UPDATE_SCREENSHOTS") != "1":
        target = Path(tempfile.gettempdir()) / f"aiflow-screenshot-{name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.querySelectorAll('.toasts [aria-label=dismiss]').forEach(b => b.click())")
    expect(page.locator(".toasts .toast")).to_have_count(0)
    page.mouse.move(0, 0)  # no hover effects or tooltips in the picture
    page.screenshot(path=str(target), animations="disabled", caret="hide")
    assert target.stat().st_size > 5_000, f"{target} looks empty"
    return target
