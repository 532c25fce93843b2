"""Run store benchmark: what recording costs on the emit path, and how long the batches take to land.

100 runs of a chain of 50 nodes (current_node_running + done progress per node, then run_end: 101
events a run) go through the engine's RunEvents and RunChannel as fast as possible, once without history
(store off) and once with a HistoryRecorder (store on, SQLite in a temporary folder, or a PostgreSQL
started for the purpose with --postgres). The emitting green thread yields once per run, as the server's
loop would between socket events. `end_to_end()` measures the same through two real servers side by side
(RUN_HISTORY on and off, chain-50 runs interleaved), the figure `make bench` reports.

    .venv/bin/python -m bench.bench_runstore [--mode gevent] [--runs 100] [--nodes 50] [--postgres] [--write]

`--write` replaces the "Run store" section of docs/benchmarks.md with the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app import concurrency

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Run store"


class NullSink:
    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        pass


def emit_runs(recorder: Any, runs: int, nodes: int, tag: str) -> tuple[float, int]:
    """(seconds spent emitting, events emitted); `recorder` None: no history."""
    from app.engine.channel import RunChannel
    from app.engine.events import RunEvents

    spent, count = 0.0, 0
    for index in range(runs):
        run_id = f"{tag}-{index}"
        started = time.perf_counter()
        if recorder is not None:
            recorder.run_started(run_id, [{"name": f"n{i}", "processorType": "transition"} for i in range(nodes)],
                                 None, "editor")
        channel = RunChannel(run_id, NullSink(), recorder, max_tail_chars=8 << 20)
        channel.follow("sid")
        events = RunEvents(channel, stream_interval=0.05)
        for node in range(nodes):
            events.node_running(f"n{node}")
            events.node_done(f"n{node}", f"output of node {node}", 0.0001)
        events.run_end({f"n{nodes - 1}": f"output of node {nodes - 1}"}, status="completed")
        spent += time.perf_counter() - started
        count += nodes * 2 + 1
        concurrency.sleep(0)  # the server's loop would serve other sockets here
    return spent, count


def measure(store: Any, runs: int, nodes: int) -> dict[str, float]:
    from app.runstore import HistoryRecorder

    batches: list[float] = []
    apply = store.apply

    def timed_apply(records: Any) -> int:
        started = time.perf_counter()
        try:
            return apply(records)
        finally:
            batches.append(time.perf_counter() - started)

    store.apply = timed_apply
    emit_runs(None, 5, nodes, "warm-off")
    off_s, count = emit_runs(None, runs, nodes, "off")
    idle = HistoryRecorder(store, max_queue=10**7)  # no flusher: the emit path alone
    queue_s, _ = emit_runs(idle, runs, nodes, "queued")
    sink = HistoryRecorder(store).start()
    emit_runs(sink, 5, nodes, "warm-on")
    concurrency.sleep(0.2)
    batches.clear()
    on_s, _ = emit_runs(sink, runs, nodes, "on")
    emitted_at = time.perf_counter()
    sink.close()
    landed_s = time.perf_counter() - emitted_at
    return {"events": count, "off_us": off_s / count * 1e6, "on_us": on_s / count * 1e6,
            "queue_only_us": (queue_s - off_s) / count * 1e6,
            "added_us": (on_s - off_s) / count * 1e6, "added_per_node_us": (on_s - off_s) / (runs * nodes) * 1e6,
            "landed_ms": landed_s * 1000, "batches": len(batches), "batch_mean_ms": statistics.mean(batches) * 1000,
            "batch_max_ms": max(batches) * 1000, "write_total_ms": sum(batches) * 1000,
            "dropped": sink.dropped, "failed": sink.failed}


def report(figures: dict[str, float], backend: str, mode: str) -> str:
    f = figures
    return "\n".join([
        f"Run store ({backend}, {mode}): {f['events']:,.0f} events (100-run x chain-50 pattern)",
        f"  emit path, store off: {f['off_us']:.2f} us/event;  on: {f['on_us']:.2f} us/event",
        f"  added: {f['added_us']:.2f} us per event = {f['added_per_node_us']:.2f} us per node (target <= 500);"
        f" of which the emit path itself (queue only, no writer competing for the CPU): {f['queue_only_us']:.2f} us",
        f"  batches: {f['batches']:.0f} transactions, mean {f['batch_mean_ms']:.1f} ms, max {f['batch_max_ms']:.1f} ms,"
        f" {f['write_total_ms']:.0f} ms writing in all",
        f"  landed {f['landed_ms']:.0f} ms after the last emit; dropped {f['dropped']:.0f}, failed {f['failed']:.0f}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="gevent", choices=("gevent", "eventlet", "threading"))
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--postgres", action="store_true", help="also on a PostgreSQL started in a temporary folder")
    parser.add_argument("--write", action="store_true", help="write the figures to docs/benchmarks.md")
    args = parser.parse_args(argv)
    concurrency.patch(args.mode)
    texts = [one_backend("sqlite", args)] + ([one_backend("postgres", args)] if args.postgres else [])
    for text in texts:
        print(text)
    if args.write:
        from bench.harness import write_doc_section

        body = "\n\n".join(f"```\n{text}\n```" for text in texts)
        write_doc_section(ROOT / "docs" / "benchmarks.md", SECTION,
                          f"{SECTION}\n\n`python -m bench.bench_runstore --postgres --write`: the HistoryRecorder's "
                          f"cost on the emit path and how long its batches take to land.\n\n{body}\n")
    return 0


def one_backend(backend: str, args: argparse.Namespace) -> str:
    from app.runstore import open_store

    with tempfile.TemporaryDirectory(prefix="aiflow-bench-store-") as folder:
        server = None
        if backend == "postgres":
            from app.testing.postgres import PostgresServer

            server = PostgresServer()
            url, drop = server.database()
        else:
            url, drop = f"sqlite:///{Path(folder) / 'runs.sqlite3'}", None
        store = open_store(url=url)
        try:
            return report(measure(store, args.runs, args.nodes), store.engine.dialect.name, args.mode)
        finally:
            store.close()
            if server is not None:
                drop()  # type: ignore[operator]
                server.stop()


def end_to_end(rounds: int = 5) -> dict[str, float]:
    """Chain-50 ms per node through two gevent servers, run history on and off, measured in turns."""
    import asyncio

    from bench import scenarios
    from bench.harness import Server

    on, off = Server("gevent"), Server("gevent", RUN_HISTORY="false")
    try:
        async def turns() -> tuple[list[float], list[float]]:
            with_history, without = [], []
            for _ in range(rounds):
                with_history.append((await scenarios.chain(on.url))["ms_per_node"])
                without.append((await scenarios.chain(off.url))["ms_per_node"])
            return with_history, without

        with_history, without = asyncio.run(turns())
    finally:
        on.stop()
        off.stop()
    on_ms, off_ms = statistics.median(with_history), statistics.median(without)
    return {"on_ms_per_node": on_ms, "off_ms_per_node": off_ms, "added_ms_per_node": on_ms - off_ms}


if __name__ == "__main__":
    sys.exit(main())
