"""A cluster on one machine comes up: 2 web processes and 2 workers on Redis, PostgreSQL and S3; a run ends."""

from __future__ import annotations

import socket
from collections.abc import Callable

import requests
from sqlalchemy import create_engine, text

from app.testing.flow_client import FlowClient, node, run_end_of
from tests.cluster_support import Cluster

FLOW = [node("question#input-text", "input-text", inputText="Hello"),
        node("answer#llm-prompt", "llm-prompt", [("question#input-text", "input", None)], prompt="Say it back")]


def test_two_webs_and_two_workers_come_up_and_a_run_through_web_1_ends_on_a_worker(
        start_cluster: Callable[..., Cluster], client_factory: Callable[..., FlowClient]) -> None:
    cluster = start_cluster(webs=2, workers=2)
    for web in cluster.webs:
        assert requests.get(web.url + "/healthcheck", timeout=5).status_code == 200
    assert all(worker.proc.poll() is None for worker in cluster.workers)

    client = client_factory(cluster.webs[0].url)
    events = client.run(FLOW, timeout=60)
    end = run_end_of(events)
    assert end["status"] == "completed" and not end.get("cancelled"), cluster.logs()
    assert "answer#llm-prompt" in end["output"]
    run_id = end["runId"]

    engine = create_engine(cluster.database_url)
    with engine.connect() as connection:
        status = connection.execute(text("select status from runs where id = :id"), {"id": run_id}).scalar()
    engine.dispose()
    assert status == "succeeded"
    # The run went through Redis (its events were streamed there by the worker that ran it).
    assert list(cluster.redis.client.scan_iter(match=f"*{run_id}*")), cluster.logs()

    cluster.stop()  # (the fixture stops it again: stopping twice is harmless)
    assert all(proc.poll() is not None for proc in cluster.processes())
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", cluster.redis.port)) != 0
