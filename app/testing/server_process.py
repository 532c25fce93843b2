"""The real server in a subprocess on a free loopback port, and stopping child processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

#: The checkout's root (server.py, docs/, ui/).
ROOT = Path(__file__).resolve().parents[2]
#: Where a test server's providers are unless a test points them at a fake: a closed loopback port, so no
#: test ever reaches the internet (OpenRouter's public model list, say).
NOWHERE = "http://127.0.0.1:9"
PROVIDER_URLS = ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "DEEPSEEK_BASE_URL", "OPENROUTER_BASE_URL",
                 "REPLICATE_BASE_URL", "STABILITYAI_BASE_URL", "YOUTUBE_BASE_URL")


def free_port() -> int:
    """A loopback port free at the time of asking."""
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


class PortTaken(RuntimeError):
    """The server could not listen: its port was taken between choosing it and starting."""


class ServerProcess:
    """`python server.py` on a free port with the given environment; stopped by stop()."""

    def __init__(self, env: dict[str, str] | None = None, tmp_path: Path | None = None) -> None:
        self._data_dir = None if tmp_path is not None else tempfile.mkdtemp(prefix="aiflow-data-")
        for attempt in range(3):  # a port free when asked may be taken by another test worker's process meanwhile
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self._start(env or {}, tmp_path)
            try:
                self._wait_ready()
                return
            except PortTaken:
                self._log.close()
                if attempt == 2:
                    self.stop()
                    raise
            except BaseException:
                self.stop()  # no server left running when it failed to start
                raise

    def _start(self, env: dict[str, str], tmp_path: Path | None) -> None:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "OPENAI", "ANTHROPIC"))}
        # PROVIDER_WARM_UP off: a test server lives seconds, the warm-up would cost each a second of CPU (the tests
        # of the warm start turn it on)
        full_env.update({"PORT": str(self.port), "HOST": "127.0.0.1", "FLASK_SECRET_KEY": "test-secret",
                         "PYTHONUNBUFFERED": "1", "PROVIDER_WARM_UP": "false",
                         **{name: NOWHERE for name in PROVIDER_URLS}})
        if tmp_path is not None:
            full_env.setdefault("LOCAL_STORAGE_FOLDER_NAME", str(tmp_path / "storage"))
        full_env["DATA_DIR"] = str(tmp_path / "data") if tmp_path is not None else str(self._data_dir)
        full_env.update(env)
        self.log_path = (tmp_path or Path("/tmp")) / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "server.py")], cwd=str(ROOT), env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    def _wait_ready(self, timeout: float = 90) -> None:
        """Until /healthcheck answers (generous: a start takes 25 s on two cores shared with other test runs)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log()
                if "Address already in use" in log:
                    raise PortTaken(self.port)
                raise RuntimeError(f"server exited early:\n{log}")
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
