"""The measured scenarios: chain, wide, fan-out over the ideal, concurrent clients."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from bench.harness import Client, node


def chain_flow(length: int) -> list[dict[str, Any]]:
    """input-text followed by `length` transition nodes in a line."""
    flow = [node("n0", "input-text", inputText="bench")]
    return flow + [node(f"n{i}", "transition", f"n{i - 1}") for i in range(1, length + 1)]


def wide_flow(children: int) -> list[dict[str, Any]]:
    return [node("root", "input-text", inputText="bench")] + [
        node(f"c{i}", "transition", "root") for i in range(children)]


def fan_out_flow(children: int, seconds: float) -> list[dict[str, Any]]:
    return [node("root", "llm-prompt", prompt="p", sleepDuration=0)] + [
        node(f"c{i}", "llm-prompt", "root", prompt="p", sleepDuration=seconds) for i in range(children)]


async def _timed(url: str, flow: list[dict[str, Any]], repeats: int, warm_up: bool = True) -> list[float]:
    client = await Client().connect(url)
    try:
        if warm_up:
            await client.run(flow)
        times = []
        for _ in range(repeats):
            elapsed, status = await client.run(flow)
            if status != "completed":
                raise RuntimeError(f"benchmark run ended with {status}")
            times.append(elapsed * 1000)
        return times
    finally:
        await client.close()


async def one_node(url: str, repeats: int = 20) -> dict[str, float]:
    """A single input-text node: emit -> current_node_running, progress, run_end."""
    return {"total_ms": statistics.median(await _timed(url, chain_flow(0), repeats))}


def _disconnects(url: str, clients: int) -> list[float]:
    import socketio

    times = []
    for _ in range(clients):
        client = socketio.Client(reconnection=False)
        client.connect(url, transports=["websocket"], wait_timeout=10)
        started = time.perf_counter()
        client.disconnect()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def disconnect(url: str, clients: int = 20) -> dict[str, float]:
    """python-socketio's (threaded) Client: connect, then time disconnect() - the WebSocket close handshake."""
    times = await asyncio.to_thread(_disconnects, url, clients)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


async def chain(url: str, length: int = 50, repeats: int = 10) -> dict[str, float]:
    median = statistics.median(await _timed(url, chain_flow(length), repeats))
    return {"total_ms": median, "ms_per_node": median / (length + 1)}


async def wide(url: str, children: int = 100, repeats: int = 10) -> dict[str, float]:
    return {"total_ms": statistics.median(await _timed(url, wide_flow(children), repeats))}


async def fan_out(url: str, children: int = 4, seconds: float = 2.0, repeats: int = 3) -> dict[str, float]:
    median = statistics.median(await _timed(url, fan_out_flow(children, seconds), repeats, warm_up=False))
    return {"total_ms": median, "over_ideal_ms": median - seconds * 1000}


async def concurrent(url: str, clients: int, length: int = 10, bursts: int = 5) -> dict[str, float]:
    """`clients` sockets, all connected first, each run a chain of `length` nodes at the same moment; that
    burst `bursts` times. p50/p95 over every run of every burst, nodes/s over the bursts' wall time."""
    flow = chain_flow(length - 1)
    connections = list(await asyncio.gather(*(Client().connect(url) for _ in range(clients))))
    latencies: list[float] = []
    failures = 0
    wall = 0.0
    try:
        await asyncio.gather(*(c.run(flow) for c in connections[:5]))  # warm-up
        for _ in range(bursts):
            started = time.perf_counter()
            results = await asyncio.gather(*(c.run(flow, timeout=120) for c in connections))
            wall += time.perf_counter() - started
            latencies += [elapsed * 1000 for elapsed, status in results if status == "completed"]
            failures += sum(1 for _, status in results if status != "completed")
    finally:
        await asyncio.gather(*(c.close() for c in connections))
    latencies.sort()
    return {
        "p50_ms": _percentile(latencies, 50), "p95_ms": _percentile(latencies, 95),
        "nodes_per_s": len(latencies) * length / wall if wall else 0.0, "failures": failures,
        "wall_ms": wall * 1000,
    }


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    rank = max(1, -(-len(values) * pct // 100))
    return values[int(rank) - 1]
