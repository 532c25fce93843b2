"""Browser: click Run -> the first node's new state drawn (Debian's chromium, loopback, mock mode).

    .venv/bin/python -m bench.bench_browser
"""

from __future__ import annotations

import json
import os
import statistics
from typing import Any

from playwright.sync_api import sync_playwright

from bench.harness import Server, node

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
NAME = "t1#input-text"

# Resolves with ms from the click to the frame after the node first shows a state the server sent
# (running or done: the editor's own "queued" at the click does not count).
MEASURE = """async (name) => {
  const status = () => document.querySelector(`[data-testid="node-status-${name}"]`);
  return await new Promise((resolve) => {
    let started = 0;
    const observer = new MutationObserver(() => {
      const now = status()?.dataset.status;
      if (now === "running" || now === "done") {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - started));
      }
    });
    observer.observe(document.body, { subtree: true, attributes: true, childList: true });
    started = performance.now();
    document.querySelector('[data-testid="run-all"]').click();
  });
}"""


def click_to_first_state(repeats: int = 20) -> dict[str, Any]:
    server = Server("gevent", MOCK_DELAY_MIN="0", MOCK_DELAY_MAX="0")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(base_url=server.url, viewport={"width": 1400, "height": 900})
            # no intro flow, no guided tour: an empty canvas
            page.add_init_script("localStorage.setItem('firstVisit', 'false'); localStorage.setItem('aiflow-tour', 'skipped')")
            page.goto("/")
            page.wait_for_selector('[data-testid="connection-state"][data-state="connected"]')
            page.get_by_test_id("side-pane-toggle").click()
            page.get_by_test_id("side-tab-json").click()
            flow = [{**node(NAME, "input-text", inputText="hello"), "x": 80, "y": 120}]
            page.get_by_test_id("json-import-input").set_input_files(
                files=[{"name": "f.json", "mimeType": "application/json", "buffer": json.dumps(flow).encode()}])
            page.wait_for_selector(f'[data-testid="node-status-{NAME}"]', state="attached")
            times = []
            for _ in range(repeats + 2):
                page.wait_for_selector('[data-testid="run-all"]:not([disabled])')
                times.append(page.evaluate(MEASURE, NAME))
                page.wait_for_selector(f'[data-testid="node-status-{NAME}"][data-status="done"]', state="attached")
            browser.close()
        return {"median_ms": statistics.median(times[2:]), "max_ms": max(times[2:])}
    finally:
        server.stop()


if __name__ == "__main__":
    print(click_to_first_state())
