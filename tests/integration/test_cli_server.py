"""The `aiflow` command with --server: a real server in a subprocess, its REST run API and SSE events;
exit codes, Ctrl-C cancelling on the server, the token, and the runs commands."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app.testing.server_process import ROOT, ServerProcess, free_port, stop_process
from tests.integration.cli_support import INPUT, LLM, Cli, interrupt_when, two_node_flow

TOKEN = "cli-test-token-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess({"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.05"},
                            tmp_path_factory.mktemp("cli-server"))
    yield process
    process.stop()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def run_of(server: ServerProcess, run_id: str, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.get(f"{server.url}/api/v1/runs/{run_id}", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_run_on_the_server_succeeds_and_is_recorded_as_started_by_cli(cli: Cli, server: ServerProcess) -> None:
    done = cli("run", cli.flow_file(two_node_flow()), "--server", server.url, "--input", f"{INPUT}=Salut", "--json")
    assert done.code == 0, done.err
    result = done.json()
    assert result["status"] == "succeeded"
    assert result["outputs"] == {INPUT: "Salut", LLM: "Lorem Ipsum"}
    assert f"on {server.url}" in done.err and f"{LLM} succeeded" in done.err
    stored = run_of(server, result["id"])
    assert (stored["status"], stored["startedBy"]) == ("succeeded", "cli")
    assert not (cli.data_dir / "runs.sqlite3").exists(), "a server run is not in the local history"


def test_server_errors_exit_2_or_1_naming_the_problem(cli: Cli, server: ServerProcess) -> None:
    flow = cli.flow_file(two_node_flow())
    done = cli("run", flow, "--server", server.url, "--input", "nope#input-text=x")
    assert done.code == 2 and "nope#input-text" in done.err and "Traceback" not in done.err
    done = cli("run", flow, "--server", "ftp://127.0.0.1")
    assert done.code == 2 and "is not an http:// or https:// URL" in done.err
    done = cli("run", cli.flow_file(two_node_flow(raiseError=True)), "--server", server.url)
    assert done.code == 1 and "Mock Processor error" in done.out + done.err
    done = cli("runs", "show", "0" * 32, "--server", server.url)
    assert done.code == 2


def test_ctrl_c_cancels_the_run_on_the_server(cli: Cli, server: ServerProcess) -> None:
    proc = cli.start("run", cli.flow_file(two_node_flow(sleepDuration=30)), "--server", server.url)
    code, out, err = interrupt_when(proc, f"{LLM} running")
    assert code == 130, (out, err)
    run_id = re.search(r"run ([0-9a-f]{32}) ", out).group(1)  # type: ignore[union-attr]
    assert "cancelling the run" in out
    assert run_of(server, run_id)["status"] == "cancelled"


def test_runs_list_show_events_and_cancel_through_the_server(cli: Cli, server: ServerProcess) -> None:
    run_id = cli("run", cli.flow_file(two_node_flow()), "--server", server.url, "--json").json()["id"]
    listed = cli("runs", "list", "--server", server.url, "--json", "--limit", "200").json()
    assert run_id in [r["id"] for r in listed["runs"]]
    table = cli("runs", "list", "--server", server.url, "--status", "succeeded")
    assert table.code == 0 and run_id in table.out
    shown = cli("runs", "show", run_id, "--server", server.url)
    assert shown.code == 0 and "Lorem Ipsum" in shown.out and "cli" in shown.out
    events = cli("runs", "events", run_id, "--server", server.url, "--after", "2").out.splitlines()
    assert events[0].split()[0] == "3" and "run_end" in events[-1]
    assert cli("runs", "cancel", run_id, "--server", server.url).out.strip() == f"run {run_id}: succeeded"
    assert cli("runs", "cancel", run_id).code == 2, "cancel needs a server"


def test_a_server_with_a_token(tmp_path: Path, start_server) -> None:  # type: ignore[no-untyped-def]
    guarded = start_server(USE_MOCK="true", AUTH_TOKEN=TOKEN)
    cli = Cli(tmp_path)
    flow = cli.flow_file(two_node_flow())
    done = cli("run", flow, "--server", guarded.url)
    assert done.code == 2 and "--token" in done.err and "AIFLOW_TOKEN" in done.err
    done = cli("run", flow, "--server", guarded.url, "--json", AIFLOW_TOKEN=TOKEN)
    assert done.code == 0, done.err
    assert run_of(guarded, done.json()["id"], TOKEN)["startedBy"] == "cli"
    assert TOKEN not in done.out + done.err


def test_serve_starts_the_server_as_server_py_does(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(cli.command("serve", "--mock", "--port", str(port)), cwd=ROOT, env=cli.env,
                                stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthcheck", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        assert "(mode: gevent, mock providers)" in log.read_text(), log.read_text()
    finally:
        stop_process(proc)
    assert proc.returncode == 0, "SIGTERM drains and exits cleanly, as python server.py does"
