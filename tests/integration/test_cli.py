"""The `aiflow` command, in-process mode, through a subprocess: mock flows and a flow against the fake OpenAI
server; exit codes 0/1/2/130, --input, --json/--output, the line log, the live table, the run history."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import time
import tomllib
from pathlib import Path

import pytest

from app.testing.fakes.openai_api import DEFAULT_ANSWER, script
from app.testing.fakes.provider_server import FakeProviders
from app.testing.flow_client import node
from app.testing.server_process import ROOT
from tests.integration.cli_support import INPUT, LLM, Cli, interrupt_when, two_node_flow
from tests.llm_fixtures import llm_fake, llm_fake_session  # noqa: F401

KEY = "sk-cli-secret-4242"
ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def mock_cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, USE_MOCK="true")


@pytest.fixture
def provider_cli(tmp_path: Path, llm_fake: FakeProviders) -> Cli:  # noqa: F811
    return Cli(tmp_path, **llm_fake.base_urls(), PROVIDER_MAX_RETRIES="0", PROVIDER_TIMEOUT_S="5")


def test_the_console_script_is_declared() -> None:
    from app.cli.main import main

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["aiflow"] == "app.cli.main:main" and callable(main)


def test_mock_run_succeeds_with_a_plain_log_and_is_recorded_as_cli(mock_cli: Cli) -> None:
    server_run = mock_cli.seed_running_run()  # a server may be running a flow in the same history
    done = mock_cli("run", mock_cli.flow_file(two_node_flow()))
    assert done.code == 0, done.err
    assert not ANSI.search(done.out), "not a terminal: no escape codes"
    lines = done.out.splitlines()
    assert any(line.endswith(f"{INPUT} running") for line in lines)
    assert any(f"{LLM} succeeded in" in line for line in lines)
    assert re.search(r"run [0-9a-f]{32} succeeded in", done.out)
    assert lines[-2:] == [f"--- {LLM}", "Lorem Ipsum"], "the result node's output, whole, at the end"
    run, seeded = mock_cli.history()
    assert (run.status, run.started_by) == ("succeeded", "cli")
    assert {n.node: n.status for n in run.nodes} == {INPUT: "succeeded", LLM: "succeeded"}
    assert (seeded.id, seeded.status) == (server_run, "running"), "the CLI marks no other run interrupted"


def test_input_overrides_an_input_node_and_json_prints_the_run(mock_cli: Cli) -> None:
    done = mock_cli("run", mock_cli.flow_file(two_node_flow()), "--input", f"{INPUT}=Bonjour tout le monde", "--json")
    assert done.code == 0, done.err
    result = done.json()  # stdout holds the JSON alone; the log went to stderr
    assert result["status"] == "succeeded" and re.fullmatch(r"[0-9a-f]{32}", result["id"])
    assert result["outputs"] == {INPUT: "Bonjour tout le monde", LLM: "Lorem Ipsum"}
    assert [(n["name"], n["status"]) for n in result["nodes"]] == [(INPUT, "succeeded"), (LLM, "succeeded")]
    assert f"{LLM} succeeded" in done.err


def test_output_writes_the_run_to_a_file_and_target_runs_only_what_it_needs(mock_cli: Cli, tmp_path: Path) -> None:
    flow = [*two_node_flow(), node("other#llm-prompt", "llm-prompt", [(INPUT, None, 0)], model="gpt-4.1-mini",
                                   prompt="Other")]
    out = tmp_path / "out.json"
    done = mock_cli("run", mock_cli.flow_file(flow), "--target", LLM, "--output", str(out))
    assert done.code == 0, done.err
    assert f"{LLM} succeeded" in done.out
    result = json.loads(out.read_text())
    assert result["status"] == "succeeded" and set(result["outputs"]) == {INPUT, LLM}
    [run] = mock_cli.history()
    assert run.target == LLM


@pytest.mark.parametrize("args, flow, message", [
    (["--input", "nope#input-text=x"], None, "Input 'nope#input-text': the flow has no node of that name"),
    (["--input", "no-equals-sign"], None, "--input 'no-equals-sign' is not NODE=VALUE"),
    ([], "[{\"name\": \"a\",", "is not valid JSON: Expecting"),
    ([], "{\"nodes\": []}", "must hold a JSON array of nodes"),
    ([], [node("a#mystery", "no-such-type")], "a#mystery"),
])
def test_bad_input_exits_2_naming_the_problem(mock_cli: Cli, args: list[str], flow: object, message: str) -> None:
    done = mock_cli("run", mock_cli.flow_file(flow if flow is not None else two_node_flow()), *args)
    assert done.code == 2, (done.out, done.err)
    assert message in done.err
    assert "Traceback" not in done.err + done.out
    assert mock_cli.history() == [], "nothing ran"


def test_a_missing_flow_file_and_a_bad_param_exit_2_without_echoing_the_value(mock_cli: Cli) -> None:
    done = mock_cli("run", str(mock_cli.tmp / "absent.json"))
    assert done.code == 2 and "Flow file" in done.err and "does not exist" in done.err
    done = mock_cli("run", mock_cli.flow_file(two_node_flow()), "--param", KEY)
    assert done.code == 2 and "--param #1 (value not shown) is not KEY=VALUE" in done.err
    assert KEY not in done.err + done.out


def test_a_failing_node_exits_1(mock_cli: Cli) -> None:
    done = mock_cli("run", mock_cli.flow_file(two_node_flow(raiseError=True)), "--json")
    assert done.code == 1
    result = done.json()
    assert result["status"] == "failed"
    assert {n["name"]: n["status"] for n in result["nodes"]}[LLM] == "failed"
    assert "the run failed" in done.err and "Mock Processor error" in done.err
    assert mock_cli.history()[0].status == "failed"


def test_a_provider_flow_streams_from_the_fake_and_never_shows_the_key(provider_cli: Cli,
                                                                       llm_fake: FakeProviders) -> None:  # noqa: F811
    done = provider_cli("run", provider_cli.flow_file(two_node_flow()), "--param", f"openai_api_key={KEY}", "--json")
    assert done.code == 0, done.err
    assert done.json()["outputs"][LLM] == DEFAULT_ANSWER
    calls = [r for r in llm_fake.requests if r.path == "/openai/v1/responses"]
    assert calls and calls[-1].headers.get("Authorization") == f"Bearer {KEY}"
    assert KEY not in done.out + done.err
    assert KEY.encode() not in provider_cli.database_bytes(), "no key in the run history"


def test_env_keys_sends_the_environment_key_and_a_rejected_key_exits_1(provider_cli: Cli,
                                                                       llm_fake: FakeProviders) -> None:  # noqa: F811
    flow = provider_cli.flow_file(two_node_flow())
    done = provider_cli("run", flow, "--env-keys", OPENAI_API_KEY=KEY)
    assert done.code == 0, done.err
    assert llm_fake.requests[-1].headers.get("Authorization") == f"Bearer {KEY}"
    done = provider_cli("run", flow, "--env-keys", "--no-cache", OPENAI_API_KEY="bad-key-77")
    assert done.code == 1
    assert "OpenAI rejected the API key" in done.out and "bad-key-77" not in done.out + done.err
    done = provider_cli("run", flow, "--no-cache", OPENAI_API_KEY=KEY)  # without --env-keys: no key
    assert done.code == 1 and "No OpenAI API key" in done.err


def test_ctrl_c_cancels_the_run_exits_130_and_closes_the_provider_stream(provider_cli: Cli,
                                                                         llm_fake: FakeProviders) -> None:  # noqa: F811
    script(llm_fake).answer = " ".join(f"word{i}" for i in range(400))
    script(llm_fake).pace = 0.05
    proc = provider_cli.start("run", provider_cli.flow_file(two_node_flow()), "--param", f"openai_api_key={KEY}")
    assert llm_fake.stream_started.wait(30) or proc.poll() is not None
    code, out, err = interrupt_when(proc, f"{LLM} running")
    assert code == 130, (out, err)
    assert "cancelling the run" in out and re.search(r"run [0-9a-f]{32} cancelled", out)
    [run] = provider_cli.history()
    assert (run.status, run.started_by) == ("cancelled", "cli")
    assert {n.node: n.status for n in run.nodes}[LLM] == "cancelled"
    deadline = time.monotonic() + 10
    while "/openai/v1/responses" not in llm_fake.closed_streams and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/openai/v1/responses" in llm_fake.closed_streams, "the provider stream was closed"


def test_runs_list_and_show_read_the_local_history(mock_cli: Cli) -> None:
    first = mock_cli("run", mock_cli.flow_file(two_node_flow()), "--json").json()
    mock_cli("run", mock_cli.flow_file(two_node_flow(raiseError=True)))
    listed = mock_cli("runs", "list", "--json").json()["runs"]
    assert [r["status"] for r in listed] == ["failed", "succeeded"]
    assert all(r["startedBy"] == "cli" for r in listed)
    table = mock_cli("runs", "list", "--status", "succeeded")
    assert table.code == 0 and first["id"] in table.out and "failed" not in table.out
    shown = mock_cli("runs", "show", first["id"])
    assert shown.code == 0 and LLM in shown.out and "Lorem Ipsum" in shown.out
    assert mock_cli("runs", "show", first["id"], "--json").json()["outputs"][LLM] == "Lorem Ipsum"
    events = mock_cli("runs", "events", first["id"]).out.splitlines()
    assert events[0].split()[:3] == ["1", "current_node_running", INPUT] and "run_end" in events[-1]
    missing = mock_cli("runs", "show", "f" * 32)
    assert missing.code == 2 and "No run" in missing.err


def test_a_terminal_gets_the_live_table(mock_cli: Cli) -> None:
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(mock_cli.command("run", mock_cli.flow_file(two_node_flow())), cwd=ROOT,
                            env=mock_cli.env, stdout=secondary, stderr=subprocess.PIPE, text=True)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait(30) == 0, proc.stderr.read() if proc.stderr else ""
    screen = b"".join(chunks).decode(errors="replace")
    assert ANSI.search(screen), "a terminal gets the redrawn table"
    assert "succeeded" in screen and LLM in screen and "Lorem Ipsum" in screen


def test_an_unchanged_node_comes_from_the_cache_unless_no_cache(provider_cli: Cli,
                                                                 llm_fake: FakeProviders) -> None:  # noqa: F811
    flow = provider_cli.flow_file(two_node_flow())
    calls = lambda: len([r for r in llm_fake.requests if r.path == "/openai/v1/responses"])  # noqa: E731
    assert provider_cli("run", flow, "--param", f"openai_api_key={KEY}").code == 0
    before = calls()
    again = provider_cli("run", flow, "--param", f"openai_api_key={KEY}", "--json")
    assert again.code == 0 and again.json()["outputs"][LLM] == DEFAULT_ANSWER
    assert calls() == before, "served from the output cache: no provider call"
    assert f"{LLM} succeeded from the cache" in again.err
    assert {n["name"]: n["cached"] for n in again.json()["nodes"]}[LLM] is True
    fresh = provider_cli("run", flow, "--param", f"openai_api_key={KEY}", "--no-cache")
    assert fresh.code == 0 and calls() == before + 1
