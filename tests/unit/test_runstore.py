"""Run store on a real SQLite file: migrations, runs/nodes/events, queries, upkeep, secrets, batched recording."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy import inspect

from app import concurrency
from app.engine.channel import RunChannel
from app.engine.events import RunEvents
from app.runstore import HistoryRecorder, RunStore, open_store
from app.runstore.records import Emitted, Started
from app.settings import Settings
from app.testing.server_process import ROOT
from tests.runstore_support import Backend, sqlite_backend

KEY = "sk-live-DO-NOT-STORE-7c1f0e9a2b"


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    backend = sqlite_backend(tmp_path / "db")
    yield backend
    backend.close()


@pytest.fixture
def store(backend: Backend) -> RunStore:
    return backend.store


class ListSink:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str | None]] = []

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.append((event, payload, to))


def ev(run_id: str, seq: int, event: str, at: float | None = None, **payload: Any) -> Emitted:
    return Emitted(event, {**payload, "runId": run_id, "seq": seq}, time.time() if at is None else at)


def finished_run(store: RunStore, run_id: str, at: float, status: str = "completed") -> None:
    store.apply([Started(run_id, [{"name": "a"}], None, "api", at),
                 ev(run_id, 1, "run_end", at + 1, output={}, status=status)])


# ---- schema ------------------------------------------------------------------------------------
def test_migrations_create_the_tables_and_run_again_harmlessly(store: RunStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"runs", "run_nodes", "run_events", "alembic_version"} <= tables
    again = open_store(url=store.engine.url.render_as_string(hide_password=False))
    assert again.list_runs().runs == []
    again.close()


def test_the_models_and_the_migrations_agree(store: RunStore) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.runstore.models import Base

    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_default_database_is_a_sqlite_file_in_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATA_DIR", raising=False)
    settings = Settings(DATA_DIR=str(tmp_path / "fresh" / "data"))
    store = open_store(settings)
    store.record_run_started("r", [], None, "cli")
    store.close()
    assert (tmp_path / "fresh" / "data" / "runs.sqlite3").is_file()
    assert Settings().data_path == ROOT / "data" and Settings().run_history and Settings().run_history_days == 30


# ---- recording -----------------------------------------------------------------------------------
def test_a_run_its_nodes_and_events(store: RunStore) -> None:
    flow = [{"name": "a", "processorType": "input-text"}, {"name": "b", "processorType": "llm-prompt"}]
    store.record_run_started("run-1", flow, None, "editor")
    assert store.get_run("run-1").status == "queued"  # type: ignore[union-attr]
    store.record_event("run-1", 1, "current_node_running", {"instanceName": "a", "isDone": False})
    store.record_event("run-1", 2, "progress", {"instanceName": "a", "isDone": True, "output": {"t": "hi"},
                                                 "duration": 0.25})
    store.record_event("run-1", 3, "current_node_running", {"instanceName": "b", "isDone": False})
    store.record_event("run-1", 4, "error", {"instanceName": "b", "isDone": False, "error": "Bad model."})
    store.record_event("run-1", 5, "run_end", {"output": {}, "status": "failed", "cancelled": False})
    run = store.get_run("run-1")
    assert run is not None and run.status == "failed" and run.error == "Bad model." and run.flow == flow
    assert run.started_by == "editor" and run.created_at <= run.started_at <= run.ended_at  # type: ignore[operator]
    nodes = {node.node: node for node in run.nodes}
    assert (nodes["a"].status, nodes["a"].output, nodes["a"].duration) == ("succeeded", {"t": "hi"}, 0.25)
    assert (nodes["b"].status, nodes["b"].error, nodes["b"].cached) == ("failed", "Bad model.", False)
    assert store.get_run("nope") is None


@pytest.mark.parametrize(("end", "status"), [("completed", "succeeded"), ("failed", "failed"),
                                             ("cancelled", "cancelled")])
def test_run_end_status_maps_to_the_store_status(store: RunStore, end: str, status: str) -> None:
    store.apply([Started("r", [], "b", "api", time.time()),
                 ev("r", 1, "current_node_running", instanceName="b", isDone=False),
                 ev("r", 2, "run_end", output={}, status=end, cancelled=end == "cancelled")])
    run = store.get_run("r")
    assert run is not None and run.status == status and run.target == "b"
    assert run.nodes[0].status == {"cancelled": "cancelled"}.get(status, "interrupted")


def test_started_by_must_be_a_known_caller(store: RunStore) -> None:
    with pytest.raises(ValueError, match="started_by"):
        store.record_run_started("r2", [], None, "robot")


def test_events_after_is_in_seq_order_whatever_the_write_order(store: RunStore) -> None:
    store.record_run_started("r", [], None, "api")
    store.apply([ev("r", seq, "progress", instanceName="a", isDone=False, output=str(seq)) for seq in (5, 3, 9)])
    store.apply([ev("r", seq, "progress", instanceName="a", isDone=False, output=str(seq)) for seq in (1, 8, 2)])
    assert [e.seq for e in store.events_after("r")] == [1, 2, 3, 5, 8, 9]
    after = store.events_after("r", 3)
    assert [e.seq for e in after] == [5, 8, 9] and after[0].payload["output"] == "5" and after[0].event == "progress"
    assert [e.seq for e in store.events_after("r", 3, limit=2)] == [5, 8]
    assert store.events_after("other") == []


def test_a_run_id_used_again_starts_afresh(store: RunStore) -> None:
    store.apply([Started("r", [{"name": "old"}], None, "api", time.time()),
                 ev("r", 1, "current_node_running", instanceName="old"), ev("r", 2, "run_end", status="completed")])
    store.apply([Started("r", [{"name": "new"}], None, "api", time.time()),
                 ev("r", 1, "current_node_running", instanceName="new")])
    run = store.get_run("r")
    assert run is not None and run.flow == [{"name": "new"}] and [n.node for n in run.nodes] == ["new"]
    assert len(store.events_after("r")) == 1


# ---- queries and upkeep ------------------------------------------------------------------------
def test_list_runs_pages_newest_first_and_filters_by_status(store: RunStore) -> None:
    base = time.time() - 100
    for index in range(7):
        finished_run(store, f"r{index}", base + index, "cancelled" if index % 3 == 0 else "completed")
    store.record_run_started("live", [], None, "editor")
    first = store.list_runs(limit=3)
    assert [r.id for r in first.runs] == ["live", "r6", "r5"] and first.next_cursor
    second = store.list_runs(first.next_cursor, limit=3)
    third = store.list_runs(second.next_cursor, limit=3)
    assert [r.id for r in second.runs + third.runs] == ["r4", "r3", "r2", "r1", "r0"] and third.next_cursor is None
    assert [r.id for r in store.list_runs(status="cancelled").runs] == ["r6", "r3", "r0"]
    assert store.list_runs(limit=1).runs[0].flow is None  # pages carry no flows
    with pytest.raises(ValueError, match="cursor"):
        store.list_runs("not-a-cursor")


def test_delete_run_takes_its_nodes_and_events(store: RunStore) -> None:
    finished_run(store, "gone", time.time())
    finished_run(store, "kept", time.time())
    assert store.delete_run("gone") and not store.delete_run("gone")
    assert store.get_run("gone") is None and store.events_after("gone") == []
    assert store.get_run("kept") is not None and len(store.events_after("kept")) == 1


def test_runs_left_queued_or_running_are_marked_interrupted(store: RunStore) -> None:
    store.record_run_started("queued", [], None, "api")
    store.apply([Started("running", [], None, "editor", time.time()),
                 ev("running", 1, "current_node_running", instanceName="a"),
                 ev("running", 2, "progress", instanceName="done", isDone=True, output=1, duration=0.1)])
    finished_run(store, "ended", time.time())
    assert store.mark_interrupted_at_start() == 2
    assert store.get_run("ended").status == "succeeded"  # type: ignore[union-attr]
    running = store.get_run("running")
    assert running is not None and running.status == "interrupted" and running.ended_at and running.error
    assert {n.node: n.status for n in running.nodes} == {"a": "interrupted", "done": "succeeded"}
    assert store.get_run("queued").status == "interrupted"  # type: ignore[union-attr]
    assert store.mark_interrupted_at_start() == 0


def test_prune_by_age_then_by_count_keeping_active_runs(store: RunStore) -> None:
    now = datetime.now(timezone.utc)
    day = 86400.0
    for index, age_days in enumerate([40, 35, 10, 5, 4, 3, 2, 1]):
        finished_run(store, f"r{index}", now.timestamp() - age_days * day)
    store.apply([Started("old-but-running", [], None, "api", now.timestamp() - 50 * day)])
    assert store.prune(max_age_days=30, max_runs=100, now=now) == 2
    assert store.get_run("r0") is None and store.events_after("r0") == []
    assert store.prune(max_age_days=30, max_runs=4, now=now) == 3  # 7 left, 1 of them active
    assert [r.id for r in store.list_runs().runs] == ["r7", "r6", "r5", "old-but-running"]
    assert store.prune(max_age_days=30, max_runs=4, now=now) == 0


# ---- secrets -------------------------------------------------------------------------------------
def test_a_key_never_reaches_the_database_files(backend: Backend) -> None:
    flow = [{"name": "llm", "processorType": "llm-prompt", "prompt": "say hi", "openai_api_key": KEY,
             "config": {"apiKey": KEY, "token": KEY, "password": KEY, "secret": KEY, "api_key": KEY}}]
    sink = HistoryRecorder(backend.store)
    sink.run_started("r-secret", flow, None, "api")
    events = RunEvents(channel("r-secret", sink), stream_interval=0, secrets=[KEY])
    events.node_running("llm")
    events.node_error("llm", f"401: Incorrect API key provided: {KEY}")
    events.run_end({}, status="failed")
    sink.close()
    run = backend.store.get_run("r-secret")
    assert run is not None and run.flow == [{"name": "llm", "processorType": "llm-prompt", "prompt": "say hi",
                                             "config": {}}]
    assert run.status == "failed" and run.error == "401: Incorrect API key provided: ***"
    blobs = backend.files_bytes()
    assert blobs and any(b"say hi" in blob for blob in blobs)  # the files searched do hold the run
    assert not any(KEY.encode() in blob for blob in blobs)


# ---- the recording sink ----------------------------------------------------------------------------
def channel(run_id: str, recorder: HistoryRecorder) -> RunChannel:
    return RunChannel(run_id, ListSink(), recorder, max_tail_chars=10**9)


def chain_events(sink: HistoryRecorder, run_id: str, nodes: int) -> int:
    """A chain's events through RunEvents (the engine's emitter): running + done per node, run_end."""
    sink.run_started(run_id, [{"name": f"n{i}"} for i in range(nodes)], None, "editor")
    events = RunEvents(channel(run_id, sink), stream_interval=0)
    for index in range(nodes):
        events.node_running(f"n{index}")
        events.node_done(f"n{index}", f"out {index}", 0.001)
    events.run_end({}, status="completed")
    return nodes * 2 + 1


def test_recorder_writes_in_few_transactions(store: RunStore) -> None:
    concurrency.use("threading")
    sink = HistoryRecorder(store).start()
    sink.run_started("big", [], None, "api")
    for seq in range(1, 1001):
        sink.record("progress", {"instanceName": "a", "isDone": False, "output": str(seq), "runId": "big",
                                 "seq": seq})
    sink.close()
    assert sink.pending == 0 and sink.dropped == 0 and sink.failed == 0
    assert [e.seq for e in store.events_after("big")] == list(range(1, 1001))
    assert store.transactions <= 10, store.transactions  # 1,001 records, batches of up to 500


def test_recorder_flushes_in_the_background(store: RunStore) -> None:
    concurrency.use("threading")
    sink = HistoryRecorder(store, interval=0.01).start()
    emitted = chain_events(sink, "bg", 20)
    deadline = time.monotonic() + 5
    while len(store.events_after("bg")) < emitted and time.monotonic() < deadline:
        time.sleep(0.01)
    run = store.get_run("bg")
    assert run is not None and run.status == "succeeded" and len(run.nodes) == 20
    assert all(node.status == "succeeded" and node.output == f"out {node.node[1:]}" for node in run.nodes)
    sink.close()


def test_a_full_queue_drops_records_but_never_blocks(store: RunStore) -> None:
    sink = HistoryRecorder(store, max_queue=10)  # no flusher: the database "cannot keep up"
    for seq in range(1, 26):
        sink.record("progress", {"instanceName": "a", "isDone": False, "runId": "r", "seq": seq})
    assert sink.dropped == 15 and sink.pending == 10
    sink.close()
    assert len(store.events_after("r")) == 10


def test_a_batch_the_database_refuses_is_counted_not_raised(tmp_path: Path) -> None:
    store = sqlite_backend(tmp_path / "db").store
    sink = HistoryRecorder(store)
    store.engine.dispose()
    (tmp_path / "db" / "runs.sqlite3").unlink()
    (tmp_path / "db" / "runs.sqlite3").mkdir()  # the database file is gone: writes fail
    sink.record("progress", {"runId": "r", "seq": 1, "instanceName": "a", "isDone": False})
    sink.close()
    assert sink.failed == 1


def test_a_refused_record_costs_only_itself(store: RunStore) -> None:
    store.record_run_started("r", [], None, "api")
    store.record_event("r", 1, "current_node_running", {"instanceName": "a", "isDone": False})
    sink = HistoryRecorder(store)
    sink.record("current_node_running", {"instanceName": "a", "isDone": False, "runId": "r", "seq": 1})  # dup
    sink.record("progress", {"instanceName": "a", "isDone": True, "output": {1, 2}, "duration": 1, "runId": "r",
                             "seq": 2})  # a set is no JSON: stored as its text
    sink.close()
    assert sink.failed == 1
    run = store.get_run("r")
    assert run is not None and run.nodes[0].status == "succeeded" and run.nodes[0].output == "{1, 2}"


GREEN_SCRIPT = """
import sys
from app import concurrency
concurrency.patch(sys.argv[1])
import time
from app.runstore import HistoryRecorder, open_store
from tests.unit.test_runstore import chain_events
store = open_store(url="sqlite:///" + sys.argv[2])
sink = HistoryRecorder(store, interval=0.01).start()
ticks = []
ticker = concurrency.spawn(lambda: [ticks.append(concurrency.sleep(0.005)) for _ in range(40)])
emitted = sum(chain_events(sink, f"run{i}", 50) for i in range(20))
concurrency.sleep(0.2)
ticker.join(5)
stored = sum(len(store.events_after(f"run{i}")) for i in range(20))
sink.close()
print(emitted, stored, len(ticks), store.get_run("run19").status)
"""


@pytest.mark.parametrize("mode", ["gevent", "eventlet"])
def test_recording_sink_in_a_monkey_patched_green_server(tmp_path: Path, mode: str) -> None:
    """The flusher writes through run_blocking in a patched process; the loop keeps ticking meanwhile."""
    result = subprocess.run([sys.executable, "-c", GREEN_SCRIPT, mode, str(tmp_path / "runs.sqlite3")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["2020", "2020", "40", "succeeded"], result.stderr[-2000:]


def test_records_without_run_id_are_skipped(store: RunStore) -> None:
    assert store.apply([Emitted("error", {"error": "Invalid input."}, time.time())]) == 1
    assert store.list_runs().runs == []


def test_old_timestamps_survive_the_round_trip(store: RunStore) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    store.apply([Started("r", [], None, "api", at.timestamp())])
    assert store.get_run("r").created_at == at  # type: ignore[union-attr]
    assert store.list_runs().runs[0].created_at - at == timedelta(0)


def test_a_run_ending_in_a_later_batch_ends_its_unfinished_nodes(store: RunStore) -> None:
    """A batch reads only the nodes it touches: the run's end still reaches nodes an earlier batch wrote."""
    at = time.time()
    store.apply([Started("long", [], None, "editor", at),
                 Emitted("current_node_running", {"instanceName": "a", "isDone": False, "runId": "long", "seq": 1}, at),
                 Emitted("current_node_running", {"instanceName": "b", "isDone": False, "runId": "long", "seq": 2}, at),
                 Emitted("progress", {"instanceName": "b", "isDone": True, "output": "done", "runId": "long",
                                      "seq": 3}, at)])
    store.apply([Emitted("run_end", {"output": {}, "status": "cancelled", "cancelled": True, "runId": "long",
                                     "seq": 4}, at + 1)])
    run = store.get_run("long")
    assert run is not None and run.status == "cancelled"
    assert {node.node: node.status for node in run.nodes} == {"a": "cancelled", "b": "succeeded"}
