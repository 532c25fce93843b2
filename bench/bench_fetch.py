"""Fetch memory benchmark: the server's RSS while three 40 MB documents download at once.

Three document-to-text nodes of one flow read the same 40 MB PDF (one page of text plus an unreferenced
40 MB binary stream) from a local HTTP server; the server's resident memory (/proc/PID/status VmRSS) is
sampled every 20 ms. Bodies are spooled to temporary files past 1 MB, so the growth must stay well under the
sum of the bodies (120 MB).

    .venv/bin/python -m bench.bench_fetch [--modes gevent,eventlet,threading]

bench.run_all runs it too (scenario `fetch`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from typing import Any

from app.testing.fakes import web_content as fx
from app.testing.fakes.provider_server import FakeProviders
from bench.harness import Client, Server, node

DOCUMENT_MB = 40
DOCUMENTS = 3
ENV = {"ALLOW_PRIVATE_URLS": "true", "FETCH_TIMEOUT_S": "120"}


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def document_server() -> FakeProviders:
    """A local server answering /big.pdf with the padded PDF (Content-Length set)."""
    fake = FakeProviders()
    body = fx.make_pdf(fx.PDF_LINES, padding=DOCUMENT_MB * 1048576)
    fake.route("GET", r"/big\.pdf")(lambda request, match: fx.content_response(body, "application/pdf"))
    fake.route("GET", r"/small\.pdf")(lambda request, match: fx.content_response(fx.make_pdf(fx.PDF_LINES), "application/pdf"))
    return fake.start()


async def fetch_memory(url: str, pid: int, documents_url: str) -> dict[str, Any]:
    """Peak RSS growth of the server process while DOCUMENTS documents of DOCUMENT_MB download at once."""
    client = await Client().connect(url)
    try:
        _, status = await client.run([node("warm", "document-to-text-processor",
                                           document_url=documents_url + "/small.pdf")])
        if status != "completed":
            raise RuntimeError(f"warm-up run ended with {status}")
        flow = [node(f"doc{i}", "document-to-text-processor", document_url=f"{documents_url}/big.pdf?n={i}")
                for i in range(DOCUMENTS)]
        baseline = rss_mb(pid)
        peak = [baseline]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], rss_mb(pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        elapsed, status = await client.run(flow, timeout=300)
        done.set()
        sampler.join()
    finally:
        await client.close()
    if status != "completed":
        raise RuntimeError(f"benchmark run ended with {status}")
    return {"baseline_mb": baseline, "peak_mb": peak[0], "growth_mb": peak[0] - baseline,
            "bodies_mb": float(DOCUMENTS * DOCUMENT_MB), "seconds": elapsed}


def measure(mode: str, documents_url: str) -> dict[str, Any]:
    server = Server(mode, **ENV)
    try:
        return asyncio.run(fetch_memory(server.url, server.proc.pid, documents_url))
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="gevent,eventlet,threading")
    args = parser.parse_args(argv)
    documents = document_server()
    try:
        print("| Mode | RSS before MB | peak MB | growth MB | bodies MB | seconds |")
        print("| --- | --- | --- | --- | --- | --- |")
        for mode in [m for m in args.modes.split(",") if m]:
            r = measure(mode, documents.url)
            print(f"| {mode} | {r['baseline_mb']:.0f} | {r['peak_mb']:.0f} | {r['growth_mb']:.1f} | "
                  f"{r['bodies_mb']:.0f} | {r['seconds']:.1f} |", flush=True)
    finally:
        documents.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
