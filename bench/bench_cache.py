"""Output cache benchmark: a 50-node flow (1 input + 49 LLM nodes) run cold, again unchanged, and with one
leaf's prompt changed; in mock mode and against the fake OpenAI server (real HTTP calls, counted there).

    .venv/bin/python -m bench.bench_cache [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import socketio

from app.testing.fakes.provider_server import build
from bench.harness import Server, node, write_doc_section

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
    """One asyncio Socket.IO client (as the other latency benchmarks use: a threaded client adds its own
    milliseconds): runs a flow with useCache and reports (ms to run_end, nodes computed)."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self._done = asyncio.Event()
        self._computed = 0
        self.sio.on("progress", self._progress)
        self.sio.on("run_end", self._end)

    async def _progress(self, data: dict[str, Any]) -> None:
        if data.get("isDone") and not data.get("cached") and data.get("instanceName") != "in":
            self._computed += 1

    async def _end(self, data: dict[str, Any]) -> None:
        self._done.set()

    async def run(self, nodes: list[dict[str, Any]]) -> tuple[float, int]:
        self._done.clear()
        self._computed = 0
        payload = {"jsonFile": json.dumps(nodes), "parameters": {"openai_api_key": "sk-bench"},
                   "runId": uuid.uuid4().hex, "useCache": True}
        started = time.perf_counter()
        await self.sio.emit("process_file", payload)
        await asyncio.wait_for(self._done.wait(), 120)
        elapsed = (time.perf_counter() - started) * 1000
        await asyncio.sleep(0.5)  # outputs are kept in the background after run_end
        return elapsed, self._computed


async def _three_runs(url: str, calls: Callable[[], int] | None) -> dict[str, Any]:
    runner = Runner()
    await runner.sio.connect(url, transports=["websocket"], wait_timeout=20)
    try:
        result: dict[str, Any] = {}
        for label, nodes, repeats in (("cold", flow(), 1), ("again", flow(), 5),
                                      ("leaf_changed", flow("Leaf, reworded"), 1)):
            before = calls() if calls else 0
            runs = [await runner.run(nodes) for _ in range(repeats)]
            result[label] = {"ms": statistics.median(ms for ms, _ in runs), "computed": max(c for _, c in runs),
                             "provider_calls": (calls() - before) if calls else None}
        return result
    finally:
        await runner.sio.disconnect()


def three_runs(url: str, calls: Callable[[], int] | None = None) -> dict[str, Any]:
    return asyncio.run(_three_runs(url, calls))


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
             "unchanged (5 times: the median, and every node computed or called in any of them), then with one "
             "leaf's prompt changed (useCache on). Targets: the second run computes nothing and ends in under 20 ms; "
             "the changed leaf costs exactly one call.", "",
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
