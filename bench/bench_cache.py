"""Output cache benchmark: a 50-node flow (1 input + 49 LLM nodes) run cold, again unchanged, and with one
leaf's prompt changed; in mock mode and against the fake OpenAI server (real HTTP calls, counted there).

    .venv/bin/python -m bench.bench_cache [--write]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import socketio

from bench.harness import Server, node, write_doc_section
from tests.fakes.provider_server import build

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Output cache"
LLM = {"model": "gpt-4.1-mini", "af_node_version": 2}


def flow(leaf_prompt: str = "Leaf") -> list[dict[str, Any]]:
    """input -> 7 branches -> 6 leaves each: 50 nodes, 49 of them LLM calls."""
    nodes = [node("in", "input-text", inputText="A text to work on")]
    for branch in range(7):
        nodes.append(node(f"b{branch}", "llm-prompt", "in", prompt=f"Branch {branch}", **LLM))
        for leaf in range(6):
            prompt = leaf_prompt if (branch, leaf) == (6, 5) else f"Leaf {branch}.{leaf}"
            nodes.append(node(f"l{branch}.{leaf}", "llm-prompt", f"b{branch}", prompt=prompt, **LLM))
    return nodes


class Runner:
    """One Socket.IO client: runs a flow with useCache and reports (ms to run_end, nodes computed)."""

    def __init__(self, url: str) -> None:
        self.sio = socketio.Client(reconnection=False)
        self._done = threading.Event()
        self._computed = 0
        self.sio.on("progress", self._progress)
        self.sio.on("run_end", lambda data: self._done.set())
        self.sio.connect(url, transports=["websocket"], wait_timeout=20)

    def _progress(self, data: dict[str, Any]) -> None:
        if data.get("isDone") and not data.get("cached") and data.get("instanceName") != "in":
            self._computed += 1

    def run(self, nodes: list[dict[str, Any]]) -> tuple[float, int]:
        self._done.clear()
        self._computed = 0
        started = time.perf_counter()
        self.sio.emit("process_file", {"jsonFile": json.dumps(nodes), "parameters": {"openai_api_key": "sk-bench"},
                                       "runId": uuid.uuid4().hex, "useCache": True})
        if not self._done.wait(120):
            raise RuntimeError("the run did not end")
        elapsed = (time.perf_counter() - started) * 1000
        time.sleep(0.5)  # outputs are kept in the background after run_end
        return elapsed, self._computed

    def close(self) -> None:
        self.sio.disconnect()


def three_runs(url: str, calls: Callable[[], int] | None = None) -> dict[str, Any]:
    runner = Runner(url)
    try:
        result: dict[str, Any] = {}
        for label, nodes in (("cold", flow()), ("again", flow()), ("leaf_changed", flow("Leaf, reworded"))):
            before = calls() if calls else 0
            ms, computed = runner.run(nodes)
            result[label] = {"ms": ms, "computed": computed, "provider_calls": (calls() - before) if calls else None}
        return result
    finally:
        runner.close()


def run() -> dict[str, Any]:
    mock = Server("gevent", MOCK_DELAY_MIN="0.05", MOCK_DELAY_MAX="0.1")
    try:
        results = {"mock": three_runs(mock.url)}
    finally:
        mock.stop()
    fake = build().start()
    real = Server("gevent", USE_MOCK="false", OPENAI_BASE_URL=fake.base_urls()["OPENAI_BASE_URL"])
    try:
        results["fake_provider"] = three_runs(real.url, lambda: len(fake.requests_to("/openai/v1/responses")))
    finally:
        real.stop()
        fake.stop()
    return results


def markdown(results: dict[str, Any]) -> str:
    lines = [SECTION, "", "`python -m bench.bench_cache`: a 50-node flow (1 input, 49 LLM nodes) run cold, again "
             "unchanged, then with one leaf's prompt changed (useCache on). Targets: the second run computes "
             "nothing and ends in under 20 ms; the changed leaf costs exactly one call.", "",
             "| Server | Run | ms to run_end | nodes computed | provider calls |", "| --- | --- | --- | --- | --- |"]
    for server, runs in results.items():
        for label, figures in runs.items():
            calls = "—" if figures["provider_calls"] is None else str(figures["provider_calls"])
            lines.append(f"| {server} | {label} | {figures['ms']:.1f} | {figures['computed']} | {calls} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = markdown(run())
    print(text)
    if args.write:
        write_doc_section(ROOT / "docs" / "benchmarks.md", SECTION, text)


if __name__ == "__main__":
    main()
