"""Provider path benchmark: many users' LLM flows against a fast fake provider, and big fast streams.

1. `load`: N Socket.IO clients (100), each with its own API key, run a chain of 5 `llm-prompt` nodes again
   and again for D seconds against the fake OpenAI API (a small answer, keep-alive connections). Reports
   runs/s, provider calls/s, run p50/p95, server RSS (before / peak / after) and open fds (before, at
   peak, after an idle wait: PROVIDER_KEEPALIVE_S=30 closes idle provider sockets).
2. `streams`: S clients (20) each stream a 200 KB answer sent in 4-byte deltas (delta stream format)
   while /healthcheck is polled: reports its p50/p99/max latency and the streams' wall time.

    .venv/bin/python -m bench.bench_providers [--clients 100] [--seconds 20] [--idle 35] [--streams 20]

Server and fakes run as separate processes (the fake with waitress), the clients in this one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

from app.testing.server_process import ROOT, free_port, stop_process
from bench.harness import Client, Server, node, write_doc_section
from bench.scenarios import _percentile

NODES = 5


def chain_flow() -> list[dict[str, Any]]:
    flow = [node("p0", "llm-prompt", model="gpt-4.1-mini", prompt="Say hi")]
    return flow + [node(f"p{i}", "llm-prompt", f"p{i - 1}", model="gpt-4.1-mini", prompt="Go on")
                   for i in range(1, NODES)]


class Fake:
    """app.testing.fakes.serve in its own process (so its threads do not share our GIL)."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "app.testing.fakes.serve", "--port", str(self.port),
                                      "--keep-alive", "--threads", "160", *args], cwd=str(ROOT),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/openrouter/api/v1/models", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the fake provider server did not start")

    def stop(self) -> None:
        stop_process(self.proc)


class Probe:
    """Samples the server process's RSS (MB) and open fds."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = 0.0
        self.peak_fds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def rss(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu(self) -> float:
        """CPU seconds (user + system) the process has used."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def _loop(self) -> None:
        while not self._stop.wait(0.25):
            self.peak_rss = max(self.peak_rss, self.rss())
            self.peak_fds = max(self.peak_fds, self.fds())

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


async def _user(url: str, index: int, until: float, latencies: list[float], failures: list[str]) -> None:
    client = await Client().connect(url)
    flow = chain_flow()
    try:
        while True:
            elapsed, status = await client.run(flow, timeout=60, parameters={"openai_api_key": f"sk-bench-{index}"})
            if status == "completed":
                latencies.append(elapsed)
            else:
                failures.append(status)
            if time.perf_counter() >= until:
                break
    finally:
        await client.close()


def load(clients: int, seconds: float, idle: float) -> dict[str, Any]:
    fake = Fake("--whole-streams", "--answer", "Hello from the fake provider, briefly.")
    server = Server("gevent", USE_MOCK="false", OPENAI_BASE_URL=f"{fake.url}/openai/v1",
                    PROVIDER_MAX_RETRIES="0")
    try:
        asyncio.run(_user(server.url, 0, time.perf_counter(), [], []))  # one run: imports and caches done
        probe = Probe(server.proc.pid)
        rss_before, fds_before = probe.rss(), probe.fds()
        fake_probe = Probe(fake.proc.pid)
        cpu_before, fake_cpu_before, own_cpu_before = probe.cpu(), fake_probe.cpu(), time.process_time()
        latencies: list[float] = []
        failures: list[str] = []
        with probe:
            started = time.perf_counter()
            until = started + seconds

            async def everyone() -> None:
                await asyncio.gather(*(_user(server.url, i, until, latencies, failures) for i in range(clients)))

            asyncio.run(everyone())
            wall = time.perf_counter() - started
        rss_after_load = probe.rss()
        cpu = {"server": probe.cpu() - cpu_before, "fake": fake_probe.cpu() - fake_cpu_before,
               "clients": time.process_time() - own_cpu_before}
        time.sleep(idle)
        ordered = sorted(latencies)
        return {
            "clients": clients, "seconds": round(wall, 1), "runs": len(latencies), "failures": len(failures),
            "runs_per_s": len(latencies) / wall, "calls_per_s": len(latencies) * NODES / wall,
            "p50_s": _percentile(ordered, 50), "p95_s": _percentile(ordered, 95),
            "rss_before_mb": rss_before, "rss_peak_mb": probe.peak_rss, "rss_after_mb": rss_after_load,
            "cpu_ms_per_call": {k: v * 1000 / max(1, len(latencies) * NODES) for k, v in cpu.items()},
            "fds_before": fds_before, "fds_peak": probe.peak_fds, "idle_s": idle, "fds_after_idle": probe.fds(),
        }
    finally:
        server.stop()
        fake.stop()


def streams(count: int, answer_bytes: int = 200_000, chunk: int = 4) -> dict[str, Any]:
    fake = Fake("--answer-bytes", str(answer_bytes), "--chunk-size", str(chunk), "--batch", "1000")
    # the warm-up run streams the same 200 KB answer once, alone
    server = Server("gevent", USE_MOCK="false", OPENAI_BASE_URL=f"{fake.url}/openai/v1",
                    PROVIDER_MAX_RETRIES="0", PROVIDER_TIMEOUT_S="300")
    health: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        session = requests.Session()
        while not stop.is_set():
            began = time.perf_counter()
            session.get(server.url + "/healthcheck", timeout=30)
            health.append(time.perf_counter() - began)
            stop.wait(0.02)

    async def run_all() -> list[tuple[float, str]]:
        clients = [await Client().connect(server.url) for _ in range(count)]
        try:
            flow = [node("big", "llm-prompt", model="gpt-4.1-mini", prompt="Write a lot")]
            return list(await asyncio.gather(*(c.run(flow, timeout=600, parameters={"openai_api_key": f"sk-s{i}"},
                                                     streamFormat="delta") for i, c in enumerate(clients))))
        finally:
            await asyncio.gather(*(c.close() for c in clients))

    try:
        warm = node("warm", "llm-prompt", model="gpt-4.1-mini", prompt="Hi")

        async def warm_run() -> None:  # after start-up work (SDK warm-up) is done, as in production
            client = await Client().connect(server.url)
            await client.run([warm], parameters={"openai_api_key": "sk-warm"}, timeout=600)
            await client.close()

        asyncio.run(warm_run())
        poller = threading.Thread(target=poll, daemon=True)
        started = time.perf_counter()
        poller.start()
        results = asyncio.run(run_all())
        wall = time.perf_counter() - started
        stop.set()
        poller.join()
        ordered = sorted(h * 1000 for h in health)
        return {
            "streams": count, "answer_bytes": answer_bytes, "chunk": chunk, "wall_s": wall,
            "completed": sum(1 for _, status in results if status == "completed"),
            "health_samples": len(ordered), "health_p50_ms": statistics.median(ordered) if ordered else float("nan"),
            "health_p99_ms": _percentile(ordered, 99), "health_max_ms": ordered[-1] if ordered else float("nan"),
        }
    finally:
        stop.set()
        server.stop()
        fake.stop()


def markdown(result: dict[str, Any]) -> str:
    lines = [SECTION, "",
             "`.venv/bin/python -m bench.bench_providers` (gevent). Targets: ≥ 60 runs/s (≥ 240 provider calls/s), "
             "p95 ≤ 2 s, RSS < 300 MB, fds back to the baseline after idle; /healthcheck p99 ≤ 100 ms during "
             "the streams. Before this work (figures from the issue, same flows): 7.3 runs/s, p50 13.5 s, RSS 136 → "
             "880 MB, 391 idle sockets left open; /healthcheck 6.6 s during one such stream.", "",
             "| Measure | Value |", "| --- | --- |"]
    if "load" in result:
        r = result["load"]
        lines += [
            f"| {r['clients']} clients × chain of {NODES} llm-prompt, {r['seconds']} s: runs/s | {r['runs_per_s']:.1f} |",
            f"| provider calls/s | {r['calls_per_s']:.0f} |",
            f"| run p50 / p95 (s) | {r['p50_s']:.2f} / {r['p95_s']:.2f} |",
            f"| failures | {r['failures']} of {r['runs'] + r['failures']} |",
            f"| server RSS before / peak / after (MB) | {r['rss_before_mb']:.0f} / {r['rss_peak_mb']:.0f} / "
            f"{r['rss_after_mb']:.0f} |",
            "| CPU ms per provider call: server / fake / clients | " + " / ".join(
                f"{v:.1f}" for v in r["cpu_ms_per_call"].values()) + " |",
            f"| open fds before / peak / after {r['idle_s']:g} s idle | {r['fds_before']} / {r['fds_peak']} / "
            f"{r['fds_after_idle']} |",
        ]
    if "streams" in result:
        r = result["streams"]
        lines += [
            f"| {r['streams']} streams of {r['answer_bytes'] // 1000} KB in {r['chunk']}-byte deltas: wall s "
            f"(completed) | {r['wall_s']:.1f} ({r['completed']}) |",
            f"| /healthcheck during them: p50 / p99 / max ms ({r['health_samples']} samples) | "
            f"{r['health_p50_ms']:.0f} / {r['health_p99_ms']:.0f} / {r['health_max_ms']:.0f} |",
        ]
    lines.append(f"\n{os.cpu_count()} cores (nproc); the server, the fake provider and the clients share them.")
    if "load" in result:
        lines.append("\n" + POOL_CHECK_NOTE)
    return "\n".join(lines)


POOL_CHECK_NOTE = (
    "The p95 and the pooled-connection check: httpcore asks each connection of a pool whether the server "
    "closed it (a poll(0) on its socket) whenever it hands one out and whenever a response closes, holding "
    "the pool's lock. Under gevent that was the green poll, which goes round the whole event loop even with "
    "a zero timeout, so under load the keys sharing a pool shard queued behind each other: per-client mean "
    "run times fell into groups, one per shard, from 1.07 s to 1.86 s, and the p95 (2.75–3.5 s) was the "
    "slowest shards' runs; with the extra loop turns it cost the server 0.9–1.7 ms of CPU per call. The provider pools "
    "now use an httpcore network backend whose check is a real poll(0) (app/providers/green_backend.py): "
    "per-client means within 1.21–1.29 s. Measured back to back when it landed (`--only load`, 2 cores "
    "shared with other work, load average 2.3–5, run history on): before 46.6, 42.1, 32.3 and 47.1 runs/s, "
    "p95 4.37, 4.05, 8.93 and 3.89 s, server 3.4–4.0 ms CPU per call; after 78.8, 81.9, 75.1 and 72.4 "
    "runs/s, p95 1.36, 1.46, 1.84 and 1.73 s, 1.8–1.9 ms CPU per call, RSS about 211 → 229 MB, fds back "
    "to the baseline. With the machine busier (load average 9 from other work) one run gave 62.6 runs/s, p95 "
    "2.59 s: the tail then comes from seconds in which the bench's processes get little CPU (every client's "
    "mean rises alike), not from any group of clients. Slots never "
    "queue in this scenario (one call per key at a time; 8 per key, 256 in all) and the bench client "
    "takes about 0.2 ms of CPU per call (a tenth of a core). Where the server's time goes now (py-spy "
    "samples under this load): the OpenAI SDK building requests 17 %, httpx/httpcore 16 %, writes to the "
    "provider socket 14 %, the run-history writer thread 14 %, SSE decoding 6 %, WebSocket writes 6 %, "
    "the pool checks 5 %.")


SECTION = "## Provider path"


def write_section(text: str, doc: Path = ROOT / "docs" / "benchmarks.md") -> None:
    """Replace this benchmark's section of docs/benchmarks.md."""
    write_doc_section(doc, SECTION, text)


def run(clients: int = 100, seconds: float = 20, idle: float = 35, stream_count: int = 20,
        parts: tuple[str, ...] = ("load", "streams")) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "load" in parts:
        result["load"] = load(clients, seconds, idle)
    if "streams" in parts:
        result["streams"] = streams(stream_count)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--idle", type=float, default=35, help="idle wait before counting fds again")
    parser.add_argument("--streams", type=int, default=20)
    parser.add_argument("--only", choices=("load", "streams"))
    parser.add_argument("--write", action="store_true", help="update the Provider path section of docs/benchmarks.md")
    args = parser.parse_args()
    parts = (args.only,) if args.only else ("load", "streams")
    text = markdown(run(args.clients, args.seconds, args.idle, args.streams, parts))
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
