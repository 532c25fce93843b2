"""Test helpers: start the real server in a subprocess; a Socket.IO client that records events."""

from __future__ import annotations

import json
import shutil
import tempfile
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
#: Where a test server's providers are unless a test points them at a fake: a closed loopback port, so no
#: test ever reaches the internet (OpenRouter's public model list, say).
NOWHERE = "http://127.0.0.1:9"
PROVIDER_URLS = ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "DEEPSEEK_BASE_URL", "OPENROUTER_BASE_URL",
                 "REPLICATE_BASE_URL", "STABILITYAI_BASE_URL", "YOUTUBE_BASE_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate a child process, killing it if it does not exit in time."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


class ServerProcess:
    """`python server.py` on a free port with the given environment; stopped by stop()."""

    def __init__(self, env: dict[str, str] | None = None, tmp_path: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "OPENAI", "ANTHROPIC"))}
        full_env.update({"PORT": str(self.port), "HOST": "127.0.0.1", "FLASK_SECRET_KEY": "test-secret",
                         "PYTHONUNBUFFERED": "1", **{name: NOWHERE for name in PROVIDER_URLS}})
        if tmp_path is not None:
            full_env.setdefault("LOCAL_STORAGE_FOLDER_NAME", str(tmp_path / "storage"))
        self._data_dir = None if tmp_path is not None else tempfile.mkdtemp(prefix="aiflow-data-")
        full_env["DATA_DIR"] = str(tmp_path / "data") if tmp_path is not None else str(self._data_dir)
        full_env.update(env or {})
        self.log_path = (tmp_path or Path("/tmp")) / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "server.py")], cwd=str(ROOT), env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()  # a server that did not come up in time must not outlive the test
            raise

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthcheck", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_process(self.proc)
        self._log.close()
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)


class FlowClient:
    """A Socket.IO client that records every event and waits for a run's end."""

    EVENTS = ("progress", "current_node_running", "error", "run_end", "app_config_updated")

    def __init__(self, url: str, **connect_kwargs: Any) -> None:
        self.events: list[tuple[str, dict[str, Any], float]] = []
        self._cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        for name in self.EVENTS:
            self.sio.on(name, self._recorder(name))
        self.sio.connect(url, wait_timeout=10, **connect_kwargs)

    def _recorder(self, name: str):  # type: ignore[no-untyped-def]
        def record(data: Any = None) -> None:
            with self._cond:
                self.events.append((name, data, time.monotonic()))
                self._cond.notify_all()
        return record

    def emit(self, event: str, payload: Any) -> None:
        self.sio.emit(event, payload)

    def run(self, flow: list[dict[str, Any]] | str, *, event: str = "process_file", timeout: float = 20,
            **extra: Any) -> list[tuple[str, dict[str, Any]]]:
        """Send a run and return its events (those with its runId, or a bare error) once it ends."""
        run_id = extra.pop("runId", None) or uuid.uuid4().hex
        payload = {"jsonFile": flow if isinstance(flow, str) else json.dumps(flow),
                   "parameters": extra.pop("parameters", {}), "runId": run_id, **extra}
        start = len(self.events)
        self.emit(event, payload)
        return self.wait_run(run_id, timeout=timeout, start=start)

    def wait_run(self, run_id: str, *, timeout: float = 20, start: int = 0) -> list[tuple[str, dict[str, Any]]]:
        deadline = time.monotonic() + timeout

        def mine() -> list[tuple[str, dict[str, Any]]]:
            return [(n, d) for n, d, _ in self.events[start:] if isinstance(d, dict) and d.get("runId") == run_id]

        with self._cond:
            while True:
                events = mine()
                if any(n == "run_end" for n, _ in events):
                    return events
                if any(n == "error" and "instanceName" not in d for n, d in events):
                    return events
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"run {run_id} did not end; events: {events}")
                self._cond.wait(remaining)

    def wait_for(self, predicate: Any, timeout: float = 10) -> tuple[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for name, data, _ in self.events:
                    if predicate(name, data):
                        return name, data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching event; got {[(n, d) for n, d, _ in self.events]}")
                self._cond.wait(remaining)

    def close(self) -> None:
        self.sio.disconnect()


def node(name: str, processor_type: str, inputs: list[tuple[str, str | None, int | None]] = (), **values: Any
         ) -> dict[str, Any]:
    """A node dict as the editor sends it; inputs are (source, inputName, outputKey)."""
    return {"name": name, "processorType": processor_type,
            "inputs": [{"inputNode": src, "inputName": field, "inputNodeOutputKey": key}
                       for src, field, key in inputs], **values}


def run_end_of(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The run_end payload among a run's events."""
    return next(d for n, d in events if n == "run_end")


def first_error(events: list[tuple[str, dict[str, Any]]]) -> str:
    """The text of the first error event of a run (fails the test when there is none)."""
    errors = [d["error"] for n, d in events if n == "error"]
    assert errors, f"expected an error event, got {events}"
    return errors[0]
