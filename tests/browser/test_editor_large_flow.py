"""A 300-node flow: it opens, pans and zooms smoothly, and runs with 100 LLM nodes streaming without freezing the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from app.testing.fakes.provider_server import FakeProviders
from app.testing.server_process import ServerProcess
from bench.bench_editor_large_flow import measure


@pytest.fixture(scope="module")
def server(real_server: ServerProcess) -> ServerProcess:
    return real_server


def test_a_300_node_flow_pans_zooms_and_streams_smoothly(browser: Browser, server: ServerProcess,
                                                         fake: FakeProviders) -> None:
    result = measure(browser, server.url, fake)
    print(result)
    assert result["nodes"] == 300 and result["provider_calls"] == 100
    # docs/benchmarks.md "## Editor, 300-node flow": about 1.3 s to draw, 55-60 frames a second panning and zooming
    # (target >= 50), 20-30 while 100 LLM nodes stream, frames at most 150-250 ms apart; the bounds leave room for a
    # machine shared with other work (2 cores)
    assert result["opened_ms"] < 20_000, result
    for gesture in ("pan", "zoom"):
        assert result[gesture]["fps"] >= 35, (gesture, result[gesture])
    # a spinner and a box-shadow pulse per queued node made this 5-8 frames a second with gaps up to a second
    assert result["run"]["fps"] >= 12, result["run"]
    assert result["run"]["longest_gap_ms"] < 700, result["run"]
