"""Run events over SSE: 100 followers of one streaming run, and the replay of a finished 10,000-event run.

1. One `llm-prompt` run streams a 2,000-token answer from the fake OpenAI API (one delta every 2 ms,
   STREAM_INTERVAL_MS=50, `delta` format); 100 clients follow GET /api/v1/runs/{id}/events at once (one
   asyncio loop, aiohttp). Every follower must get every event (seq 1..N, the same payloads). The server's
   CPU time for the run with the followers, less the same run without any, per event delivered.
2. A run of 10,000 events (STREAM_INTERVAL_MS=0: one partial per delta) ends; GET .../events then replays it
   from the run history. Time to the last byte, median of 5 (target under 200 ms).

    .venv/bin/python -m bench.bench_sse [--followers 100] [--write]

`--write` replaces the "Run events over SSE" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import requests

from app.testing.fakes.llm_fake import start_llm_fake
from app.testing.fakes.openai_api import reset_script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import node
from app.testing.server_process import ServerProcess
from bench.bench_providers import Probe
from bench.harness import write_doc_section

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Run events over SSE"
REPLAY_EVENTS = 10_000
REPLAY_TARGET_MS = 200.0


def start_run(server: ServerProcess, fake: FakeProviders, words: int, pace: float, wait: float = 0) -> dict[str, Any]:
    script = reset_script(fake)
    script.answer = "".join(f"tok{i % 1000:03d} " for i in range(words))
    script.pace = pace
    script.batch = 1 if pace else 200
    flow = [node("ask#llm-prompt", "llm-prompt", model="gpt-4.1-mini", prompt="Write", af_node_version=2)]
    response = requests.post(server.url + "/api/v1/runs", timeout=wait + 60,
                             json={"flow": flow, "streamFormat": "delta", "wait": wait, "useCache": False,
                                   "parameters": {"openai_api_key": "sk-bench"}})
    response.raise_for_status()
    return dict(response.json())


async def follow(session: aiohttp.ClientSession, url: str) -> list[tuple[int, str, str]]:
    events: list[tuple[int, str, str]] = []
    fields: dict[str, str] = {}
    async with session.get(url) as response:
        while True:
            raw = await response.content.readline()
            if not raw:
                return events
            line = raw.decode().rstrip("\n")
            if line.startswith(":"):
                continue
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
                continue
            if fields:
                events.append((int(fields["id"]), fields["event"], fields["data"]))
                fields = {}


async def followers(url: str, count: int) -> list[list[tuple[int, str, str]]]:
    connector = aiohttp.TCPConnector(limit=count + 10)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        return list(await asyncio.gather(*(follow(session, url) for _ in range(count))))


def fan_out(fake: FakeProviders, count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess({**fake.base_urls(), "LOG_LEVEL": "WARNING", "PROVIDER_MAX_RETRIES": "0"}, Path(tmp))
        try:
            probe = Probe(server.proc.pid)
            start_run(server, fake, 200, 0.0, wait=30)  # warm-up: provider client, first-run imports
            before = probe.cpu()
            alone = start_run(server, fake, 2000, 0.002, wait=60)
            cpu_alone = probe.cpu() - before
            assert alone["status"] == "succeeded", alone
            run = start_run(server, fake, 2000, 0.002)
            before = probe.cpu()
            started = time.perf_counter()
            got = asyncio.run(followers(f"{server.url}/api/v1/runs/{run['id']}/events", count))
            wall = time.perf_counter() - started
            cpu_with = probe.cpu() - before
        finally:
            server.stop()
    reference = got[0]
    complete = [events for events in got
                if events == reference and [seq for seq, _, _ in events] == list(range(1, len(events) + 1))]
    assert reference and reference[-1][1] == "run_end", "the stream did not end with run_end"
    delivered = sum(len(events) for events in got)
    return {"followers": count, "events": len(reference), "complete": len(complete), "wall_s": wall,
            "cpu_alone_ms": cpu_alone * 1000, "cpu_with_ms": cpu_with * 1000,
            "us_per_delivery": (cpu_with - cpu_alone) * 1e6 / max(1, delivered),
            "bytes_per_follower": sum(len(data) for _, _, data in reference)}


def replay(fake: FakeProviders, repeats: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess({**fake.base_urls(), "LOG_LEVEL": "WARNING", "PROVIDER_MAX_RETRIES": "0",
                                "STREAM_INTERVAL_MS": "0"}, Path(tmp))
        try:
            run = start_run(server, fake, REPLAY_EVENTS - 3, 0.0, wait=120)  # + running, final progress, run_end
            url = f"{server.url}/api/v1/runs/{run['id']}/events"
            times, sizes, counts = [], [], []
            for _ in range(repeats + 1):
                started = time.perf_counter()
                body = requests.get(url, timeout=60).content
                times.append((time.perf_counter() - started) * 1000)
                sizes.append(len(body))
                counts.append(body.count(b"\nevent: "))
        finally:
            server.stop()
    times = times[1:]  # the first read warms the database file's pages
    return {"events": counts[-1], "bytes": sizes[-1], "median_ms": statistics.median(times), "max_ms": max(times),
            "status": run["status"]}


def markdown(fan: dict[str, Any], rep: dict[str, Any]) -> str:
    return "\n".join([
        SECTION, "",
        "`.venv/bin/python -m bench.bench_sse` (gevent). 100 clients follow one `llm-prompt` run (2,000-token "
        "answer from the fake OpenAI API, a delta every 2 ms, STREAM_INTERVAL_MS=50, `delta` format) over "
        "GET /api/v1/runs/{id}/events; then a finished run of 10,000 events (STREAM_INTERVAL_MS=0) is replayed "
        "from the run history (target: under 200 ms).", "",
        "| Measure | Value |", "| --- | --- |",
        f"| followers / events per follower | {fan['followers']} / {fan['events']} |",
        f"| followers that got every event (seq 1..N, same payloads) | {fan['complete']} of {fan['followers']} |",
        f"| wall time of the followed run (s) | {fan['wall_s']:.2f} |",
        f"| server CPU for the run alone / with the followers (ms) | {fan['cpu_alone_ms']:.0f} / "
        f"{fan['cpu_with_ms']:.0f} |",
        f"| server CPU per event delivered to a follower (µs) | {fan['us_per_delivery']:.1f} |",
        f"| replay of a finished run: events / bytes | {rep['events']:,} / {rep['bytes']:,} |",
        f"| replay time to the last byte: median / slowest of 5 (ms) | {rep['median_ms']:.1f} / "
        f"{rep['max_ms']:.1f} |",
        "", f"{os.cpu_count()} cores (nproc), server and clients on the same machine.",
    ])


def write_section(text: str) -> None:
    write_doc_section(DOC, SECTION, text)


def run(count: int = 100) -> str:
    fake = start_llm_fake()
    try:
        print(f"[gevent] {count} SSE followers of one streaming run ...", flush=True)
        fan = fan_out(fake, count)
        print(f"[gevent] replay of a {REPLAY_EVENTS:,}-event run ...", flush=True)
        rep = replay(fake)
    finally:
        fake.stop()
    return markdown(fan, rep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--followers", type=int, default=100)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = run(args.followers)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
