"""Run every scenario in every async mode and write docs/benchmarks.md's results section.

    .venv/bin/python -m bench.run_all [--modes gevent,eventlet,threading] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import re
import sys
from pathlib import Path
from typing import Any

from bench import (
    bench_browser,
    bench_cache,
    bench_cluster,
    bench_editor_large_flow,
    bench_editor_load,
    bench_fetch,
    bench_providers,
    bench_runstore,
    bench_sse,
    scenarios,
)
from app.testing.server_process import ROOT
from bench.harness import Server, write_doc_section

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
MODES = ("gevent", "eventlet", "threading")


def measure(mode: str, documents_url: str) -> dict[str, Any]:
    server = Server(mode, **bench_fetch.ENV)
    try:
        return asyncio.run(_scenarios(mode, server.url, server.proc.pid, documents_url))
    finally:
        server.stop()


async def _scenarios(mode: str, url: str, pid: int, documents_url: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    print(f"[{mode}] one node ...", flush=True)
    result["one_node"] = await scenarios.one_node(url)
    print(f"[{mode}] fetch 3 x 40 MB documents ...", flush=True)
    result["fetch"] = await bench_fetch.fetch_memory(url, pid, documents_url)
    print(f"[{mode}] chain of 51 ...", flush=True)
    result["chain"] = await scenarios.chain(url)
    print(f"[{mode}] wide 1+100 ...", flush=True)
    result["wide"] = await scenarios.wide(url)
    print(f"[{mode}] fan-out 1+4 x 2 s ...", flush=True)
    result["fan_out"] = await scenarios.fan_out(url)
    for clients in (20, 200):
        print(f"[{mode}] {clients} concurrent clients ...", flush=True)
        result[f"clients_{clients}"] = await scenarios.concurrent(url, clients, bursts=5 if clients <= 20 else 3)
    print(f"[{mode}] disconnect ...", flush=True)  # last: its threaded clients must not slow the asyncio ones
    result["disconnect"] = await scenarios.disconnect(url)
    return result


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def table(results: dict[str, dict[str, Any]]) -> str:
    modes = list(results)
    # (label, group, key, reference 0.11.3, before this round (landed code, gevent), target, format)
    rows = [
        ("Disconnect (python-socketio Client), median ms", "disconnect", "median_ms", "—", "3,005", "≤ 100",
         "{:.1f}"),
        ("Disconnect, slowest of 20, ms", "disconnect", "max_ms", "—", "3,007", "≤ 100", "{:.1f}"),
        ("One node: emit → run_end, median of 20, ms", "one_node", "total_ms", "640", "45–53", "≤ 5", "{:.1f}"),
        ("Chain: input-text + 50 transitions, ms per node", "chain", "ms_per_node", "501", "0.94–1.1", "≤ 0.5",
         "{:.2f}"),
        ("Chain: total ms (51 nodes)", "chain", "total_ms", "~25,600", "48–56", "≤ 25", "{:.1f}"),
        ("Wide: 1 root + 100 children, ms", "wide", "total_ms", "1,026", "52", "≤ 20", "{:.1f}"),
        ("Fan-out: 1 + 4 × 2 s, ms over the ideal 2 s", "fan_out", "over_ideal_ms", "+1,000–1,400", "6.8", "≤ 5",
         "{:.1f}"),
        ("20 clients × chain of 10: p50 ms", "clients_20", "p50_ms", "—", "66", "—", "{:.1f}"),
        ("20 clients × chain of 10: p95 ms", "clients_20", "p95_ms", "5,542", "76", "≤ 50", "{:.1f}"),
        ("20 clients: nodes/s", "clients_20", "nodes_per_s", "40", "2,614", "≥ 3,000", "{:,.0f}"),
        ("20 clients: failures", "clients_20", "failures", "—", "0", "0", "{:d}"),
        ("200 clients × chain of 10: p50 ms", "clients_200", "p50_ms", "—", "453", "—", "{:.1f}"),
        ("200 clients × chain of 10: p95 ms", "clients_200", "p95_ms", "—", "458", "—", "{:.1f}"),
        ("200 clients: nodes/s", "clients_200", "nodes_per_s", "367", "4,340", "≥ 2,000", "{:,.0f}"),
        ("200 clients: failures", "clients_200", "failures", "—", "0", "0", "{:d}"),
        ("Fetch: 3 × 40 MB documents at once, server RSS growth MB", "fetch", "growth_mb", "—", "162", "≪ 120",
         "{:.1f}"),
    ]
    head = "| Measure | Reference 0.11.3 | Before | Target | " + " | ".join(modes) + " |"
    lines = [head, "|" + " --- |" * (4 + len(modes))]
    for label, group, key, reference, before, target, fmt in rows:
        cells = [fmt.format(results[m][group][key]) for m in modes]
        lines.append(f"| {label} | {reference} | {before} | {target} | " + " | ".join(cells) + " |")
    if "gevent" in results and len(modes) > 1:
        lines.append("")
        lines.append("Ratios to gevent (lower is better for times, higher for nodes/s):")
        lines.append("")
        lines.append("| Measure | " + " | ".join(m for m in modes if m != "gevent") + " |")
        lines.append("|" + " --- |" * len(modes))
        for label, group, key in (("ms per chained node", "chain", "ms_per_node"), ("wide ms", "wide", "total_ms"),
                                  ("20 clients p95", "clients_20", "p95_ms"),
                                  ("20 clients nodes/s", "clients_20", "nodes_per_s"),
                                  ("200 clients nodes/s", "clients_200", "nodes_per_s")):
            base = results["gevent"][group][key]
            cells = [f"{results[m][group][key] / base:.2f}" if base else "—" for m in modes if m != "gevent"]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if "browser" in results.get("gevent", {}):
        browser = results["gevent"]["browser"]
        lines += ["", f"Browser (gevent, Debian's chromium on loopback): click Run → first node state from the "
                      f"server drawn: median {browser['median_ms']:.1f} ms, slowest {browser['max_ms']:.1f} ms of 20 "
                      "(target ≤ 30)."]
    if "history" in results.get("gevent", {}):
        history = results["gevent"]["history"]
        lines += ["", f"Run history (gevent, SQLite, two servers measured in turns): chain of 51, "
                      f"{history['on_ms_per_node']:.3f} ms per node with history, {history['off_ms_per_node']:.3f} "
                      f"without: {history['added_ms_per_node']:+.3f} ms per node (target: within 0.5)."]
    return "\n".join(lines)


def write(results: dict[str, dict[str, Any]]) -> None:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = (f"{BEGIN}\nMeasured {stamp} on {machine()}; server and clients on the same machine.\n\n"
               f"{table(results)}\n{END}")
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
    print(f"results written to {DOC.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--no-providers", action="store_true", help="skip bench.bench_providers (about 2 min)")
    parser.add_argument("--no-sse", action="store_true", help="skip bench.bench_sse (about 1 min)")
    parser.add_argument("--no-cluster", action="store_true", help="skip bench.bench_cluster (about 3 min)")
    args = parser.parse_args(argv)
    documents = bench_fetch.document_server()
    try:
        results = {mode: measure(mode, documents.url) for mode in args.modes.split(",") if mode}
    finally:
        documents.stop()
    if "gevent" in results:
        print("[gevent] browser click -> first state ...", flush=True)
        results["gevent"]["browser"] = bench_browser.click_to_first_state()
        print("[gevent] run history on vs off, chain of 51, side by side ...", flush=True)
        results["gevent"]["history"] = bench_runstore.end_to_end()
    print(table(results))
    if not args.no_write:
        write(results)
    print("[gevent] output cache: 50-node flow cold, again, one leaf changed ...", flush=True)
    cache = bench_cache.markdown(bench_cache.run())
    print(cache)
    if not args.no_write:
        write_doc_section(DOC, bench_cache.SECTION, cache)
    print("[gevent] editor first load (cold cache) ...", flush=True)
    load = bench_editor_load.markdown(bench_editor_load.run())
    print(load)
    if not args.no_write:
        write_doc_section(DOC, bench_editor_load.SECTION, load)
    print("[gevent] editor: 300-node flow (open, pan, zoom, 100 LLM nodes streaming) ...", flush=True)
    large = bench_editor_large_flow.markdown(bench_editor_large_flow.run())
    print(large)
    if not args.no_write:
        write_doc_section(DOC, bench_editor_large_flow.SECTION, large)
    if not args.no_providers:
        print("[gevent] provider path: 100 clients × 5 llm-prompt, then 20 big fast streams ...", flush=True)
        providers = bench_providers.markdown(bench_providers.run())
        print(providers)
        if not args.no_write:
            bench_providers.write_section(providers)
    if not args.no_sse:
        sse = bench_sse.run()
        print(sse)
        if not args.no_write:
            bench_sse.write_section(sse)
    if not args.no_cluster:
        cluster = bench_cluster.markdown(bench_cluster.run())
        print(cluster)
        if not args.no_write:
            write_doc_section(DOC, bench_cluster.SECTION, cluster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
