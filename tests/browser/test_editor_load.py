"""First load of the editor: time to a usable canvas on loopback (cold cache) and the JavaScript it needs."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from app.testing.server_process import ServerProcess
from bench.bench_editor_load import measure


def test_first_load_is_quick_and_small(browser: Browser, server: ServerProcess, ui_dist: Path) -> None:
    result = measure(browser, server.url, ui_dist, repeats=3)
    print(result)
    # generous: 2 shared cores; a typical load takes a few hundred ms
    assert result["median_ms"] < 5_000, result
    # a guard against regressions (about 186 KB today: React, React Flow, socket.io-client and the editor; the
    # issue's target of 150 KB is not reached, see docs/benchmarks.md "## Editor load")
    assert result["js_gzip_kb"] < 200, f"first-load JavaScript {result['js_gzip_kb']:.1f} KB gzipped: {result['scripts']}"
    # the French tables are fetched only when French is chosen
    assert not [s for s in result["scripts"] if "/fr" in s], result["scripts"]
    # what the first screen does not need stays out of it
    assert not [s for s in result["scripts"] if "Markdown" in s or "Modal" in s or "Dialog" in s], result["scripts"]
