"""Test helpers for the cluster: Debian's redis-server, PostgreSQL, moto's S3, web processes and run workers,
each on a free loopback port in a temporary folder. Its fixtures (start_cluster, redis_server) and the session
fixtures they need (postgres_server, moto_s3) are registered once for every test module in tests/conftest.py."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from app.testing.postgres import PostgresServer
from app.testing.server_process import NOWHERE, PROVIDER_URLS, ROOT, ServerProcess, free_port
from tests.s3_fixtures import MotoS3

#: What every process of a test cluster gets unless a test says otherwise: mock providers, quick nodes.
CLUSTER_DEFAULTS = {"USE_MOCK": "true", "MOCK_DELAY_MIN": "0.01", "MOCK_DELAY_MAX": "0.05"}
#: Variables of the test process a child must not inherit (another S3, real provider keys, another queue).
_NOT_INHERITED = ("S3_", "OPENAI", "ANTHROPIC", "REDIS_URL", "DATABASE_URL", "EXECUTOR", "AUTH_TOKEN")


def redis_server_binary() -> str:
    """Debian's redis-server, or a skip saying how to install it."""
    found = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server")
                                             else None)
    if found is None:
        pytest.skip("redis-server absent (`make redis` installs it)")
    return found


def child_env(env: dict[str, str]) -> dict[str, str]:
    """The test process's environment without what would point a child elsewhere, plus `env`."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
    return {**inherited, "PYTHONUNBUFFERED": "1", **{name: NOWHERE for name in PROVIDER_URLS}, **env}


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen[bytes], what: str, log: Path,
               timeout: float = 30) -> None:
    """Poll `ready` until it holds; fail with the process's log when it exits or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early ({proc.returncode}):\n{log.read_text(errors='replace')}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s:\n{log.read_text(errors='replace')}")


def end_process(proc: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM, then SIGKILL to its whole session when it has not exited within `grace` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    wait_or_kill(proc, grace)


def wait_or_kill(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Wait `grace` seconds for a process told to stop, then SIGKILL its whole session (what is left of it)."""
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    kill_session(proc)


def kill_session(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and every process of its session (it was started with start_new_session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


class RedisServer:
    """`redis-server` on a free loopback port, nothing saved to disk, its files in `folder`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = folder / "redis.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(folder)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.client = redis.Redis.from_url(self.url, socket_timeout=5)
        wait_until(self._answers, self.proc, "redis-server", self.log_path)

    def _answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        self.client.close()
        end_process(self.proc, grace=10)


class WorkerProcess:
    """`python -m app.cluster.worker --concurrency N` with the cluster's environment; ready once it says so."""

    READY_MARK = " ready."  # Celery logs "<name>@<host> ready." once it consumes
    STOP_GRACE_S = 30.0

    def __init__(self, env: dict[str, str], folder: Path, concurrency: int = 20) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        full_env = child_env({"DATA_DIR": str(folder / "data"),
                              "LOCAL_STORAGE_FOLDER_NAME": str(folder / "storage"), **env})
        self.log_path = folder / "worker.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "app.cluster.worker", "--concurrency", str(concurrency)],
                cwd=str(ROOT), env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        wait_until(lambda: self.READY_MARK in self.log(), self.proc, "worker", self.log_path, timeout)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-run, as when its machine goes away."""
        kill_session(self.proc)

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """SIGTERM (a warm shutdown: running runs finish or are handed back), SIGKILL after `grace`."""
        end_process(self.proc, grace)


class Cluster:
    """N web processes and M workers sharing one Redis, one PostgreSQL database and one S3 bucket."""

    def __init__(self, folder: Path, postgres: PostgresServer, s3: MotoS3, *, webs: int = 2, workers: int = 2,
                 concurrency: int = 20, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.concurrency = concurrency
        self.webs: list[ServerProcess] = []
        self.workers: list[WorkerProcess] = []
        self.redis = RedisServer(folder / "redis")
        self.database_url, self._drop_database = postgres.database()
        self.bucket = s3.new_bucket()
        self.env = {**CLUSTER_DEFAULTS, "EXECUTOR": "queue", "REDIS_URL": self.redis.url,
                    "DATABASE_URL": self.database_url, **s3.env(self.bucket),
                    "FLASK_SECRET_KEY": secrets.token_hex(32), **(env or {})}
        try:
            self.add_web()  # the first one migrates the database; then the others and the workers together
            for _ in range(workers):
                self.add_worker(wait=False)
            with ThreadPoolExecutor(max_workers=max(webs - 1, 1)) as pool:
                started = [pool.submit(ServerProcess, self.env, self._folder(f"web{i + 1}")) for i in range(1, webs)]
            failures = [future.exception() for future in started if future.exception() is not None]
            self.webs += [future.result() for future in started if future.exception() is None]
            if failures:
                raise failures[0]
            for worker in self.workers:
                worker.wait_ready()
        except BaseException:
            self.stop()
            raise

    def _folder(self, name: str) -> Path:
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def add_web(self) -> ServerProcess:
        web = ServerProcess(self.env, self._folder(f"web{len(self.webs) + 1}"))
        self.webs.append(web)
        return web

    def add_worker(self, wait: bool = True) -> WorkerProcess:
        worker = WorkerProcess(self.env, self.folder / f"worker{len(self.workers) + 1}", self.concurrency)
        self.workers.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    def kill_web(self, index: int) -> None:
        """SIGKILL one web process: its sockets drop without a goodbye."""
        self.webs[index].proc.kill()
        self.webs[index].proc.wait(10)

    def logs(self) -> str:
        """Every process's log, for a failing test's message."""
        parts = [f"--- web {i + 1} ---\n{web.log()}" for i, web in enumerate(self.webs)]
        parts += [f"--- worker {i + 1} ---\n{worker.log()}" for i, worker in enumerate(self.workers)]
        return "\n".join(parts)

    def processes(self) -> list[subprocess.Popen[bytes]]:
        """Redis, the web processes and the workers."""
        return [self.redis.proc, *(web.proc for web in self.webs), *(worker.proc for worker in self.workers)]

    def stop(self) -> None:
        """Workers first (SIGTERM to all, then SIGKILL to any still there after the grace), then the web
        processes, the database, Redis."""
        for worker in self.workers:
            if worker.proc.poll() is None:
                worker.proc.send_signal(signal.SIGTERM)
        for worker in self.workers:
            wait_or_kill(worker.proc, WorkerProcess.STOP_GRACE_S)
        for web in self.webs:
            web.stop()
        try:
            self._drop_database()
        finally:
            self.redis.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def start_cluster(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer,
                  moto_s3: MotoS3) -> Iterator[Callable[..., Cluster]]:
    """A factory: start_cluster(webs=2, workers=2, **env) -> a Cluster, stopped at the test's end."""
    clusters: list[Cluster] = []

    def start(webs: int = 2, workers: int = 2, concurrency: int = 20, **env: str) -> Cluster:
        cluster = Cluster(tmp_path_factory.mktemp("cluster"), postgres_server, moto_s3, webs=webs,
                          workers=workers, concurrency=concurrency, env=env)
        clusters.append(cluster)
        return cluster

    yield start
    for cluster in clusters:
        cluster.stop()
