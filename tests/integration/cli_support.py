"""Helpers of the CLI tests: the `aiflow` command in a subprocess (python -m app.cli, what the console script
calls), its environment, flows, and the run history it wrote."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.runstore import open_store
from app.runstore.records import RunRecord
from app.testing.flow_client import node
from app.testing.server_process import ROOT

INPUT = "hello#input-text"
LLM = "gpt#llm-prompt"


def two_node_flow(**llm_values: Any) -> list[dict[str, Any]]:
    """An input-text node feeding an llm-prompt node."""
    return [node(INPUT, "input-text", inputText="Hello"),
            node(LLM, "llm-prompt", [(INPUT, None, 0)], model="gpt-4.1-mini", prompt="Say hi", **llm_values)]


@dataclass
class Done:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """`aiflow ...` with DATA_DIR and storage in a temporary folder, no provider keys from this environment."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.tmp = tmp_path
        self.data_dir = tmp_path / "data"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("OPENAI", "ANTHROPIC", "AIFLOW_", "USE_", "DEEPSEEK", "OPENROUTER"))}
        self.env.update({"DATA_DIR": str(self.data_dir), "LOCAL_STORAGE_FOLDER_NAME": str(tmp_path / "storage"),
                         "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.05", "PYTHONUNBUFFERED": "1",
                         "COLUMNS": "120", **env})

    def flow_file(self, flow: Any, name: str = "flow.json") -> str:
        path = self.tmp / name
        path.write_text(flow if isinstance(flow, str) else json.dumps(flow))
        return str(path)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "app.cli", *args]

    def __call__(self, *args: str, timeout: float = 60, **env: str) -> Done:
        done = subprocess.run(self.command(*args), cwd=ROOT, env={**self.env, **env}, capture_output=True,
                              text=True, timeout=timeout)
        return Done(done.returncode, done.stdout, done.stderr)

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(*args), cwd=ROOT, env={**self.env, **env}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def history(self) -> list[RunRecord]:
        """Every run of the local history, with its nodes, newest first (none if no run was ever started)."""
        if not (self.data_dir / "runs.sqlite3").exists():
            return []
        store = open_store(url=f"sqlite:///{self.data_dir / 'runs.sqlite3'}")
        try:
            return [store.get_run(run.id) for run in store.list_runs(limit=500).runs]  # type: ignore[misc]
        finally:
            store.close()

    def seed_running_run(self) -> str:
        """A run another process is running right now in the same history (started, one node running)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        store = open_store(url=f"sqlite:///{self.data_dir / 'runs.sqlite3'}")
        try:
            store.record_run_started("0" * 32, [], None, "editor")
            store.record_event("0" * 32, 1, "current_node_running", {"instanceName": "a", "isDone": False})
        finally:
            store.close()
        return "0" * 32

    def database_bytes(self) -> bytes:
        return b"".join(path.read_bytes() for path in self.data_dir.rglob("*") if path.is_file())


def interrupt_when(proc: subprocess.Popen[str], marker: str, timeout: float = 30) -> tuple[int, str, str]:
    """Read the command's log until a line holds `marker`, send SIGINT (Ctrl-C), and wait for its end."""
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        lines.append(line)
        if marker in line:
            break
        assert time.monotonic() < deadline, f"no '{marker}' in {lines}"
    else:
        raise AssertionError(f"the command ended before '{marker}': {lines}, {proc.stderr.read() if proc.stderr else ''}")
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, "".join(lines) + out, err
