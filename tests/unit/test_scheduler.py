"""Engine unit tests: order, parallelism, errors, run_node, cancel, several runs; in every async mode."""

from __future__ import annotations

import json
import threading
import time
import warnings
from typing import Any, Iterator

import pytest

from app import concurrency
from app.engine.channel import EventSink
from app.engine.flow import parse_flow
from app.engine.runs import RunRegistry, RunStart
from app.engine.scheduler import MAX_IN_FLIGHT, Run, RunServices
from app.engine.shutdown import Drain
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings

MODES = ["gevent", "threading", "eventlet"]
SECRET = "sk-test-very-secret-key-0123"


# ---- a small registry of test processors ------------------------------------------------------
class Recorder:
    """What the test processors did: start order, how many ran at once, cancel hooks called."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started: list[str] = []
        self.finished: list[str] = []
        self.cancel_hooks: list[str] = []
        self.running = 0
        self.max_running = 0
        self.gate_count = 0
        self.gate = concurrency.event()
        self.block_started = concurrency.event()

    def enter(self, name: str) -> None:
        with self._lock:
            self.started.append(name)
            self.running += 1
            self.max_running = max(self.max_running, self.running)

    def leave(self, name: str) -> None:
        with self._lock:
            self.running -= 1
            self.finished.append(name)


REC: Recorder


class _Recorded(Processor):
    def process(self) -> Any:
        REC.enter(self.name)
        try:
            return self.work()
        finally:
            REC.leave(self.name)

    def work(self) -> Any:
        raise NotImplementedError


class TValue(_Recorded):
    processor_type = "t-value"

    def work(self) -> Any:
        return self.node.get("value", self.name)


class TJoin(_Recorded):
    """Returns name(parent outputs...): shows which upstream outputs the node saw."""

    processor_type = "t-join"

    def work(self) -> Any:
        seen = []
        for edge in self.node.inputs:
            output = self.ctx.output_of(edge.inputNode)
            seen.append("None" if output is None else str(output[0]))
        return f"{self.name}({','.join(seen)})"


class TSleep(_Recorded):
    processor_type = "t-sleep"

    def work(self) -> Any:
        self.ctx.cancelled.wait(float(self.node.get("seconds", 0.05)))
        return self.name


class TGate(_Recorded):
    """Waits until `until` gate nodes are running at the same time; returns whether that happened."""

    processor_type = "t-gate"

    def work(self) -> Any:
        REC.gate_count += 1
        if REC.gate_count >= int(self.node.get("until")):
            REC.gate.set()
        return bool(REC.gate.wait(float(self.node.get("timeout", 2))))


class TFail(_Recorded):
    processor_type = "t-fail"

    def work(self) -> Any:
        raise UserError(self.node.get("message", "boom"))


class TCrash(_Recorded):
    processor_type = "t-crash"

    def work(self) -> Any:
        raise RuntimeError("internal detail that must not reach users")


class TBlock(_Recorded):
    """Runs until its run is cancelled; its cancel hook is recorded."""

    processor_type = "t-block"

    def work(self) -> Any:
        REC.block_started.set()
        self.ctx.cancelled.wait(10)
        return "unblocked"

    def cancel(self) -> None:
        REC.cancel_hooks.append(self.name)


class TStream(_Recorded):
    """Streams `chunks` pieces `every` seconds apart, then optionally pauses before returning."""

    processor_type = "t-stream"

    def work(self) -> Any:
        text = ""
        for i in range(int(self.node.get("chunks", 10))):
            text += f"w{i} "
            self.stream(text)
            concurrency.sleep(float(self.node.get("every", 0.002)))
        pause = float(self.node.get("pause", 0))
        if pause:
            self.ctx.cancelled.wait(pause)
        return text


CLASSES = [TValue, TJoin, TSleep, TGate, TFail, TCrash, TBlock, TStream]


# ---- harness ---------------------------------------------------------------------------------
class ListSink(EventSink):
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str | None]] = []

    def emit(self, event: str, payload: dict[str, Any], to: str | None) -> None:
        self.events.append((event, dict(payload), to))


class Engine:
    def __init__(self, pool: int = 512, interval_ms: int = 50, **overrides: Any) -> None:
        self.registry = ProcessorRegistry(CLASSES)
        settings = Settings(USE_MOCK=False, WORKER_POOL_SIZE=pool, STREAM_INTERVAL_MS=interval_ms, **overrides)
        services = RunServices(settings=settings, registry=self.registry, slots=concurrency.semaphore(pool))
        self.sink = ListSink()
        self.runs = RunRegistry(services, self.sink)

    def start(self, nodes: list[dict[str, Any]], *, sid: str = "sid-1", target: str | None = None,
              api_keys: dict[str, str] | None = None, delta: bool = False, run_id: str | None = None) -> Run:
        flow = parse_flow(json.dumps(nodes), self.registry, max_bytes=10_000_000)
        return self.runs.start(flow, api_keys or {}, RunStart(sid=sid, target=target, delta_stream=delta,
                                                              run_id=run_id))

    def run(self, nodes: list[dict[str, Any]], **kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
        run = self.start(nodes, **kwargs)
        assert run.wait(20), "the run did not end"
        return self.events_of(run.run_id)

    def events_of(self, run_id: str) -> list[tuple[str, dict[str, Any]]]:
        return [(name, data) for name, data, _ in self.sink.events if data.get("runId") == run_id]


def node(name: str, kind: str, *parents: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "processorType": f"t-{kind}",
            "inputs": [{"inputNode": p, "inputNodeOutputKey": 0, "inputName": None} for p in parents], **values}


def names(events: list[tuple[str, dict[str, Any]]], kind: str) -> list[str]:
    return [data["instanceName"] for name, data in events if name == kind and "instanceName" in data]


def done(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    return {d["instanceName"]: d.get("output") for n, d in events if n == "progress" and d["isDone"]}


def check_envelope(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Every run: seq 1..n, one run_end and it is last."""
    assert [d["seq"] for _, d in events] == list(range(1, len(events) + 1))
    assert [n for n, _ in events].count("run_end") == 1
    assert events[-1][0] == "run_end"


def settle(seconds: float = 0.1) -> None:
    """Let left-over green threads finish (cooperative modes only run them while we wait)."""
    concurrency.sleep(seconds)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    global REC
    if request.param == "eventlet":
        with warnings.catch_warnings():  # eventlet warns on import that it is deprecated upstream
            warnings.simplefilter("ignore")
            import eventlet  # noqa: F401
    concurrency.use(request.param)
    REC = Recorder()
    yield request.param
    concurrency.use("threading")


@pytest.fixture
def engine(mode: str) -> Engine:
    return Engine()


# ---- order -----------------------------------------------------------------------------------
def test_chain_runs_in_order_and_passes_outputs(engine: Engine) -> None:
    events = engine.run([node("c", "join", "b"), node("b", "join", "a"), node("a", "value", value="A")])
    check_envelope(events)
    assert names(events, "current_node_running") == ["a", "b", "c"]
    assert done(events) == {"a": "A", "b": "b(A)", "c": "c(b(A))"}
    assert events[-1][1]["output"] == {"a": "A", "b": "b(A)", "c": "c(b(A))"}
    assert events[-1][1]["status"] == "completed" and events[-1][1]["cancelled"] is False


def test_diamond_and_multiple_parents(engine: Engine) -> None:
    flow = [node("d", "join", "b", "c"), node("b", "join", "a"), node("c", "sleep", "a", seconds=0.05),
            node("a", "value", value="A"), node("e", "join", "d", "x"), node("x", "value", value="X")]
    events = engine.run(flow)
    check_envelope(events)
    order = [n for n, d in events if n == "progress"]
    finished = names(events, "progress")
    started = names(events, "current_node_running")
    for child, parents in {"b": ["a"], "c": ["a"], "d": ["b", "c"], "e": ["d", "x"]}.items():
        for parent in parents:
            assert finished.index(parent) < started.index(child), (parent, child, order)
    assert done(events)["d"] == "d(b(A),c)"
    assert done(events)["e"] == "e(d(b(A),c),X)"


def test_child_starts_when_last_parent_finishes_no_tick(engine: Engine) -> None:
    """Thirty chained nodes: the reference's 0.5 s tick would need 15 s; an event-driven engine is instant."""
    flow = [node("n0", "value", value="v")] + [node(f"n{i}", "join", f"n{i - 1}") for i in range(1, 30)]
    started = time.monotonic()
    events = engine.run(flow)
    assert time.monotonic() - started < 2.0
    assert names(events, "current_node_running") == [f"n{i}" for i in range(30)]


# ---- parallelism -----------------------------------------------------------------------------
def test_independent_nodes_overlap(engine: Engine) -> None:
    events = engine.run([node(f"g{i}", "gate", until=3) for i in range(3)])
    assert done(events) == {f"g{i}": True for i in range(3)}


def test_hundred_independent_nodes_are_not_capped_at_seven(engine: Engine) -> None:
    events = engine.run([node(f"g{i}", "gate", until=100, timeout=1) for i in range(100)], )
    check_envelope(events)
    assert REC.max_running == 100
    assert all(done(events).values()) and len(done(events)) == 100


def test_server_wide_pool_bounds_concurrency(mode: str) -> None:
    engine = Engine(pool=2)
    first = engine.start([node(f"s{i}", "sleep", seconds=0.03) for i in range(4)])
    second = engine.start([node(f"t{i}", "sleep", seconds=0.03) for i in range(4)])
    assert first.wait(10) and second.wait(10)
    assert REC.max_running == 2
    assert len(REC.finished) == 8


def test_a_wide_fan_out_starts_gradually(engine: Engine) -> None:
    events = engine.run([node("root", "value")] + [node(f"s{i}", "sleep", "root", seconds=0.02) for i in range(250)])
    check_envelope(events)
    assert REC.max_running <= MAX_IN_FLIGHT + 1 and len(REC.finished) == 251
    assert events[-1][1]["status"] == "completed"


def test_runs_per_client_are_capped_and_given_back(mode: str) -> None:
    engine = Engine(MAX_RUNS_PER_CLIENT=2)
    first, second = (engine.start([node("b", "block")], sid="me") for _ in range(2))
    with pytest.raises(UserError, match="MAX_RUNS_PER_CLIENT"):
        engine.start([node("a", "value")], sid="me")
    other = engine.start([node("a", "value")], sid="other")  # the limit is per client
    assert other.wait(5)
    admission = engine.runs.admit("other")  # a place taken before parsing counts too
    admission.release()
    admission.release()  # twice: harmless
    first.cancel()
    assert first.wait(5)
    third = engine.start([node("a", "value")], sid="me")
    assert third.wait(5)
    second.cancel()
    assert second.wait(5)


def test_runs_are_independent(engine: Engine) -> None:
    failing = engine.start([node("f", "fail", message="first run fails"), node("after", "value", "f")])
    fine = engine.start([node("a", "sleep", seconds=0.05), node("b", "join", "a")])
    assert failing.wait(10) and fine.wait(10)
    assert engine.events_of(fine.run_id)[-1][1]["status"] == "completed"
    assert done(engine.events_of(fine.run_id)) == {"a": "a", "b": "b(a)"}
    assert engine.events_of(failing.run_id)[-1][1]["status"] == "failed"


# ---- errors ----------------------------------------------------------------------------------
def test_failing_node_stops_scheduling_running_ones_finish_then_run_end(engine: Engine) -> None:
    flow = [node("root", "value"), node("bad", "fail", "root", message="Bad thing happened"),
            node("slow", "sleep", "root", seconds=0.3), node("after_slow", "value", "slow"),
            node("after_bad", "value", "bad")]
    events = engine.run(flow)
    check_envelope(events)
    kinds = [(n, d.get("instanceName")) for n, d in events]
    error = kinds.index(("error", "bad"))
    assert events[error][1]["error"] == "Bad thing happened"
    assert events[error][1]["instanceName"] == "bad"
    assert kinds.index(("progress", "slow")) > error  # the running sibling finished and reported
    assert "after_slow" not in REC.started and "after_bad" not in REC.started
    assert "after_slow" not in names(events, "current_node_running")
    assert events[-1][1]["status"] == "failed" and events[-1][1]["cancelled"] is False
    assert set(events[-1][1]["output"]) == {"root", "slow"}


def test_internal_error_is_generic_and_keys_are_redacted(engine: Engine) -> None:
    events = engine.run([node("crash", "crash")], api_keys={"openai_api_key": SECRET})
    (error,) = [d for n, d in events if n == "error"]
    assert "internal error" in error["error"]
    assert "internal detail" not in error["error"] and "Traceback" not in error["error"]

    events = engine.run([node("leaky", "fail", message=f"provider said: bad key {SECRET}")],
                        api_keys={"openai_api_key": SECRET})
    (error,) = [d for n, d in events if n == "error"]
    assert SECRET not in json.dumps(events)
    assert error["error"] == "provider said: bad key ***"


# ---- run_node --------------------------------------------------------------------------------
def test_run_node_uses_a_topological_order(engine: Engine) -> None:
    """Reference bug §3.4: T inputs [X, Y] with Y depending on X ran Y before X."""
    flow = [node("T", "join", "X", "Y"), node("Y", "join", "X"), node("X", "value", value="x"),
            node("unrelated", "value")]
    events = engine.run(flow, target="T")
    check_envelope(events)
    assert names(events, "current_node_running") == ["X", "Y", "T"]
    assert done(events) == {"X": "x", "Y": "Y(x)", "T": "T(x,Y(x))"}
    assert "unrelated" not in REC.started


def test_run_node_runs_independent_ancestors_in_parallel(engine: Engine) -> None:
    events = engine.run([node("T", "join", "A", "B"), node("A", "gate", until=2), node("B", "gate", until=2)],
                        target="T")
    assert done(events) == {"A": True, "B": True, "T": "T(True,True)"}


def test_run_node_reuses_output_data(engine: Engine) -> None:
    flow = [node("T", "join", "B", "C"), node("B", "join", "A", outputData="kept-B"), node("A", "value"),
            node("C", "join", "D"), node("D", "value", value="d", outputData=["kept-D"])]
    events = engine.run(flow, target="T")
    check_envelope(events)
    assert names(events, "current_node_running") == ["C", "T"]
    assert done(events) == {"C": "C(kept-D)", "T": "T(kept-B,C(kept-D))"}
    assert REC.started == ["C", "T"]


def test_run_node_runs_the_target_even_with_output_data(engine: Engine) -> None:
    events = engine.run([node("T", "value", value="fresh", outputData="old")], target="T")
    assert done(events) == {"T": "fresh"}


def test_run_node_error_carries_node_name(engine: Engine) -> None:
    events = engine.run([node("T", "join", "P"), node("P", "fail", message="nope")], target="T")
    (error,) = [d for n, d in events if n == "error"]
    assert error == {"instanceName": "P", "isDone": False, "error": "nope", "nodeName": "T",
                     "runId": error["runId"], "seq": error["seq"]}
    assert "T" not in REC.started


# ---- cancel ----------------------------------------------------------------------------------
def test_cancel_stops_scheduling_calls_hooks_and_ends_once(engine: Engine) -> None:
    run = engine.start([node("blocker", "block"), node("child", "value", "blocker"), node("quick", "value")])
    assert REC.block_started.wait(5)
    run.cancel()
    assert run.wait(5)
    run.cancel()  # twice: harmless
    settle(0.2)
    events = engine.events_of(run.run_id)
    check_envelope(events)
    assert events[-1][1]["cancelled"] is True and events[-1][1]["status"] == "cancelled"
    assert REC.cancel_hooks == ["blocker"]
    assert "child" not in REC.started
    assert "blocker" not in done(events)


def test_shutdown_drain_interrupts_what_outlives_the_grace_and_refuses_new_runs(engine: Engine) -> None:
    quick = engine.start([node("s", "sleep", seconds=0.05)])
    slow = engine.start([node("blocker", "block")], sid="other")
    assert REC.block_started.wait(5)
    order: list[str] = []
    Drain(engine.runs, grace_s=0.3, exit_process=lambda status: order.append(f"exit {status}"),
          flush=lambda: order.append("flush")).run()
    assert order == ["flush", "exit 0"] and quick.finished and slow.finished  # queued writes before the exit
    assert engine.events_of(quick.run_id)[-1][1]["status"] == "completed"
    end = engine.events_of(slow.run_id)[-1][1]
    assert end["status"] == "interrupted" and end["cancelled"] is True
    assert REC.cancel_hooks == ["blocker"]
    with pytest.raises(UserError, match="shutting down"):
        engine.start([node("a", "value")])


def test_cancel_by_socket_only_reaches_that_sockets_runs(engine: Engine) -> None:
    mine = engine.start([node("b1", "block")], sid="me", run_id="short-id")  # a short id is no capability
    other = engine.start([node("s", "sleep", seconds=0.2)], sid="other")
    assert engine.runs.cancel("other", mine.run_id) == []  # another socket cannot cancel my run
    assert engine.runs.cancel("me") == [mine.run_id]
    assert mine.wait(5) and other.wait(5)
    assert engine.events_of(other.run_id)[-1][1]["status"] == "completed"
    assert engine.events_of(mine.run_id)[-1][1]["cancelled"] is True


def test_a_generated_run_id_is_a_capability(engine: Engine) -> None:
    """128 random bits: whoever holds the id may cancel the run (a reloaded editor, a script)."""
    run = engine.start([node("b1", "block")], sid="me")
    assert len(run.run_id) == 32 and int(run.run_id, 16) >= 0
    assert engine.runs.cancel("another-socket", run.run_id) == [run.run_id]
    assert run.wait(5) and engine.events_of(run.run_id)[-1][1]["status"] == "cancelled"


def test_cancel_after_finish_is_harmless(engine: Engine) -> None:
    run = engine.start([node("a", "value")])
    assert run.wait(5)
    before = len(engine.sink.events)
    run.cancel()
    engine.runs.cancel("sid-1", run.run_id)
    assert len(engine.sink.events) == before
    assert engine.events_of(run.run_id)[-1][1]["status"] == "completed"
    assert engine.runs.active_count() == 0


def test_duplicate_run_id_is_refused(engine: Engine) -> None:
    run = engine.start([node("b", "block")], run_id="same-id")
    with pytest.raises(UserError, match="already running"):
        engine.start([node("a", "value")], run_id="same-id")
    run.cancel()
    assert run.wait(5)


# ---- streaming -------------------------------------------------------------------------------
def test_partials_are_throttled_and_the_final_text_is_sent(engine: Engine) -> None:
    started = time.monotonic()
    events = engine.run([node("s", "stream", chunks=120, every=0.004)])
    elapsed = time.monotonic() - started
    check_envelope(events)
    partials = [d for n, d in events if n == "progress" and not d["isDone"]]
    final = done(events)["s"]
    assert final == "".join(f"w{i} " for i in range(120))
    assert 2 <= len(partials) <= elapsed * 20 + 3, (len(partials), elapsed)
    assert all(final.startswith(p["output"]) for p in partials)
    assert events[-2][1]["isDone"] is True  # the full final text comes last, after every partial


def test_last_partial_is_flushed_when_the_node_pauses(engine: Engine) -> None:
    events = engine.run([node("s", "stream", chunks=3, every=0.001, pause=0.3)])
    partials = [d["output"] for n, d in events if n == "progress" and not d["isDone"]]
    assert partials[-1] == "w0 w1 w2 "


def test_delta_partials_rebuild_the_text(engine: Engine) -> None:
    events = engine.run([node("s", "stream", chunks=60, every=0.004)], delta=True)
    text = ""
    partials = [d for n, d in events if n == "progress" and not d["isDone"]]
    assert partials
    for partial in partials:
        assert "output" not in partial
        assert partial["offset"] == len(text)
        text += partial["delta"]
    final = done(events)["s"]
    assert final.startswith(text) and final == "".join(f"w{i} " for i in range(60))


def test_cancel_gives_back_every_pool_slot(mode: str) -> None:
    engine = Engine(pool=1)
    run = engine.start([node("b1", "block"), node("b2", "block")])  # one runs, one waits for the slot
    assert REC.block_started.wait(5)
    run.cancel()
    assert run.wait(5)
    settle(0.2)
    after = engine.start([node("a", "value"), node("b", "value")])
    assert after.wait(5)
    assert engine.events_of(after.run_id)[-1][1]["status"] == "completed"
    assert len([name for name in REC.started if name in ("b1", "b2")]) == 1


def test_cancel_before_tasks_begin_gives_back_their_slots(mode: str) -> None:
    engine = Engine(pool=1)
    run = engine.start([node("b1", "block")])
    run.cancel()  # green modes: the node's task has not had a turn yet, but it holds the one slot
    assert run.wait(5)
    settle(0.1)
    after = engine.start([node("a", "value")])
    assert after.wait(5)
    assert engine.events_of(after.run_id)[-1][1]["status"] == "completed"
