"""Scale-out with real parts on one machine: 2 web processes and 2 Celery workers sharing Redis, PostgreSQL and
moto's S3. A run started on web 1 runs on a worker; web 2 joins and cancels it; a killed worker's run ends
failed; a killed web process's clients resume through the other; 500 runs all end once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest
import requests
from sqlalchemy import create_engine, text

from app.testing.fakes.openai_api import script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import FlowClient, node
from app.testing.server_process import ROOT
from tests.cluster_support import Cluster, child_env
from tests.llm_fixtures import llm_fake, llm_fake_session  # noqa: F401 - the fake provider



def slow_flow(seconds: float) -> list[dict[str, Any]]:
    return [node("in#input-text", "input-text", inputText="x"),
            node("slow#llm-prompt", "llm-prompt", [("in#input-text", None, 0)], prompt="p", sleepDuration=seconds),
            node("after#llm-prompt", "llm-prompt", [("slow#llm-prompt", None, 0)], prompt="q")]


def start(client: FlowClient, flow: list[dict[str, Any]], **extra: Any) -> str:
    run_id = uuid.uuid4().hex
    client.emit("process_file", {"jsonFile": json.dumps(flow), "runId": run_id, "useCache": False, **extra})
    return run_id


def events_of(client: FlowClient, run_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [(n, d) for n, d, _ in client.events if isinstance(d, dict) and d.get("runId") == run_id]


def workers_that_ran_a_run(cluster: Cluster) -> list[int]:
    return [i for i, worker in enumerate(cluster.workers) if "aiflow.execute_run" in worker.log()]


def test_a_run_on_a_worker_is_joined_and_cancelled_from_the_other_web_process(
        start_cluster: Callable[..., Cluster], client_factory: Callable[..., FlowClient]) -> None:  # noqa: F811
    cluster = start_cluster()
    web1, web2 = cluster.webs
    first = client_factory(web1.url)
    run_id = start(first, slow_flow(1.0))
    events = first.wait_run(run_id, timeout=30)
    assert events[-1][0] == "run_end" and events[-1][1]["status"] == "completed", cluster.logs()
    assert [d["seq"] for _, d in events] == list(range(1, len(events) + 1))
    assert workers_that_ran_a_run(cluster), "no worker ran it"

    going = start(first, slow_flow(3.0))
    first.wait_for(lambda n, d: n == "current_node_running" and d.get("runId") == going
                   and d.get("instanceName") == "slow#llm-prompt", timeout=20)
    second = client_factory(web2.url)
    ack = second.sio.call("join_run", {"runId": going, "afterSeq": 1}, timeout=10)
    assert ack["ok"] is True and ack["status"] == "running"
    second.wait_for(lambda n, d: d.get("runId") == going and d.get("seq", 0) >= 2, timeout=10)
    asked = time.monotonic()
    second.emit("cancel_run", {"runId": going})
    ended = first.wait_run(going, timeout=10)
    assert time.monotonic() - asked < 1.0, "the cancel took a second or more to reach the worker"
    assert ended[-1][1]["status"] == "cancelled"
    joined = second.wait_run(going, timeout=10)
    assert joined == ended[1:], "web 2 did not get the same events from the right seq"
    run = requests.get(f"{web2.url}/api/v1/runs/{going}", timeout=10).json()
    assert run["status"] == "cancelled"
    statuses = {n["name"]: n["status"] for n in run["nodes"]}
    assert statuses["slow#llm-prompt"] == "cancelled" and "after#llm-prompt" not in statuses  # never began


def test_a_killed_workers_run_ends_failed_and_others_go_on(
        start_cluster: Callable[..., Cluster], client_factory: Callable[..., FlowClient]) -> None:  # noqa: F811
    cluster = start_cluster(concurrency=2)
    client = client_factory(cluster.webs[0].url)
    doomed = [start(client, slow_flow(6.0)) for _ in range(2)]  # the survivor's run ends on its own, 6 s on
    client.wait_for(lambda n, d: n == "current_node_running" and d.get("instanceName") == "slow#llm-prompt"
                    and d.get("runId") == doomed[0], timeout=20)
    time.sleep(0.5)
    victims = workers_that_ran_a_run(cluster)
    cluster.workers[victims[0]].kill()
    killed_at = time.monotonic()
    survivor = 1 - victims[0]
    lost = []
    for run_id in doomed:
        client.wait_for(lambda n, d: n == "run_end" and d.get("runId") == run_id, timeout=40)
        ended_at = next(t for n, d, t in client.events if n == "run_end" and d.get("runId") == run_id)
        events = events_of(client, run_id)
        if events[-1][1]["status"] == "failed":
            lost.append(run_id)
            assert ended_at - killed_at < 15, "the lost worker's run took 15 s or more to end"
            assert any(n == "error" and "worker lost" in d["error"] for n, d in events)
    assert lost, "no run was on the killed worker"
    after = start(client, slow_flow(0.2))
    assert client.wait_run(after, timeout=30)[-1][1]["status"] == "completed"
    assert cluster.workers[survivor].proc.poll() is None
    for run_id in lost:  # not run again behind the user's back
        assert requests.get(f"{cluster.webs[1].url}/api/v1/runs/{run_id}", timeout=10).json()["status"] == "failed"


def test_clients_of_a_killed_web_process_resume_through_the_other(
        start_cluster: Callable[..., Cluster], client_factory: Callable[..., FlowClient]) -> None:  # noqa: F811
    cluster = start_cluster()
    web1, web2 = cluster.webs
    client = client_factory(web1.url)
    run_id = start(client, slow_flow(3.0))
    client.wait_for(lambda n, d: n == "current_node_running" and d.get("runId") == run_id, timeout=20)
    seen = events_of(client, run_id)
    cluster.kill_web(0)
    again = client_factory(web2.url)  # the load balancer sends the reconnecting client to web 2
    ack = again.sio.call("join_run", {"runId": run_id, "afterSeq": seen[-1][1]["seq"]}, timeout=10)
    assert ack["ok"] is True
    rest = again.wait_run(run_id, timeout=30)
    seqs = [d["seq"] for _, d in seen + rest]
    assert seqs == list(range(1, len(seqs) + 1)) and rest[-1][1]["status"] == "completed"


def test_500_runs_all_reach_one_final_state(start_cluster: Callable[..., Cluster]) -> None:  # noqa: F811
    cluster = start_cluster(concurrency=50, MOCK_DELAY_MIN="0", MOCK_DELAY_MAX="0.01", MAX_RUNS_PER_CLIENT="1000")
    flow = [node("in#input-text", "input-text", inputText="x"),
            node("llm#llm-prompt", "llm-prompt", [("in#input-text", None, 0)], prompt="p")]

    def fire(index: int) -> str:
        web = cluster.webs[index % 2]
        answer = requests.post(f"{web.url}/api/v1/runs", json={"flow": flow, "useCache": False}, timeout=60)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(fire, range(500)))
    assert len(set(ids)) == 500
    engine = create_engine(cluster.database_url)
    deadline = time.monotonic() + 120
    try:
        while True:
            with engine.connect() as db:
                rows = dict(db.execute(text("SELECT status, count(*) FROM runs GROUP BY status")).all())
            if rows.get("succeeded", 0) == 500 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        with engine.connect() as db:
            events = db.execute(text("SELECT run_id, count(*) FROM run_events WHERE event = 'run_end' "
                                     "GROUP BY run_id")).all()
    finally:
        engine.dispose()
    assert rows == {"succeeded": 500}, rows
    assert len(events) == 500 and all(count == 1 for _, count in events), "a run ended twice or not at all"


def test_a_worker_stopped_with_sigterm_finishes_its_runs(
        start_cluster: Callable[..., Cluster], client_factory: Callable[..., FlowClient]) -> None:  # noqa: F811
    cluster = start_cluster(webs=1, workers=1)
    client = client_factory(cluster.webs[0].url)
    run_id = start(client, slow_flow(2.0))
    client.wait_for(lambda n, d: n == "current_node_running" and d.get("runId") == run_id
                    and d.get("instanceName") == "slow#llm-prompt", timeout=20)
    worker = cluster.workers[0]
    worker.proc.send_signal(15)  # a warm shutdown: no new runs, the running ones finish
    events = client.wait_run(run_id, timeout=30)
    assert events[-1][1]["status"] == "completed"
    assert worker.proc.wait(30) == 0


def test_provider_concurrency_holds_across_workers(
        start_cluster: Callable[..., Cluster], client_factory: Callable[..., FlowClient],
        llm_fake: FakeProviders) -> None:  # noqa: F811
    """PROVIDER_CONCURRENCY=1 for one key, two workers taking one run each: the second call waits for the
    first (its node is shown queued) instead of running beside it on the other worker."""
    s = script(llm_fake)
    s.answer = " ".join(f"w{i}" for i in range(20))
    s.pace = 0.05  # about 1 s per answer
    cluster = start_cluster(webs=1, workers=2, concurrency=1, USE_MOCK="false", PROVIDER_CONCURRENCY="1",
                            **llm_fake.base_urls())
    client = client_factory(cluster.webs[0].url)
    flow = [node("ask#llm-prompt", "llm-prompt", model="gpt-4.1-mini", prompt="Go", af_node_version=2)]
    ids = [start(client, flow, parameters={"openai_api_key": "sk-one-user"}) for _ in range(2)]
    ends = [client.wait_run(run_id, timeout=40) for run_id in ids]
    assert all(events[-1][1]["status"] == "completed" for events in ends), cluster.logs()
    queued = [run_id for run_id, events in zip(ids, ends)
              if any(n == "progress" and d.get("queued") for n, d in events)]
    assert len(queued) == 1, "both calls ran at once on the two workers"
    ran_on = workers_that_ran_a_run(cluster)
    assert ran_on == [0, 1], "the two runs did not go to two workers"


@pytest.mark.parametrize("env, says", [
    ({}, "REDIS_URL"),
    ({"REDIS_URL": "redis://127.0.0.1:9/0", "FLASK_SECRET_KEY": ""}, "FLASK_SECRET_KEY"),
    ({"REDIS_URL": "redis://127.0.0.1:9/0"}, "LOCAL_STORAGE_SHARED"),
    ({"REDIS_URL": "redis://127.0.0.1:9/0", "HOST": "0.0.0.0", "LOCAL_STORAGE_SHARED": "true"}, "AUTH_TOKEN"),
])
def test_a_cluster_that_cannot_work_is_refused_with_the_reason(env: dict[str, str], says: str,
                                                              tmp_path: Any) -> None:
    """Several processes on a local storage folder each see only their own files: refused at start."""
    full = child_env({"EXECUTOR": "queue", "FLASK_SECRET_KEY": "k", "PORT": "0", "DATA_DIR": str(tmp_path / "d"),
                      **env})
    if not full.get("FLASK_SECRET_KEY"):
        full.pop("FLASK_SECRET_KEY")
    done = subprocess.run([sys.executable, "server.py"], cwd=str(ROOT), env=full, capture_output=True, timeout=60)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert says in (done.stdout + done.stderr).decode(), done.stderr.decode()[-2000:]
