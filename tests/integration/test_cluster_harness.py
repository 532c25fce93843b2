"""The cluster tests' parts start on free ports, answer, and leave nothing running once stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from app.testing.postgres import PostgresServer
from tests.cluster_support import RedisServer, end_process, kill_session
from tests.runstore_support import start_postgres
from tests.s3_fixtures import MotoS3


def port_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_redis_server_answers_keeps_nothing_on_disk_and_stops(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis")
    try:
        assert server.url == f"redis://127.0.0.1:{server.port}/0"
        server.client.xadd("run:demo", {"seq": "1"})
        assert server.client.xlen("run:demo") == 1
        assert server.client.config_get("save") == {"save": ""}
        assert server.client.config_get("appendonly") == {"appendonly": "no"}
    finally:
        server.stop()
    assert server.proc.poll() is not None
    assert port_closed(server.port)
    assert not list((tmp_path / "redis").glob("*.rdb")) and not list((tmp_path / "redis").glob("appendonly*"))


def test_two_redis_servers_are_apart(tmp_path: Path) -> None:
    first, second = RedisServer(tmp_path / "a"), RedisServer(tmp_path / "b")
    try:
        first.client.set("owner", "first")
        assert second.client.get("owner") is None
    finally:
        first.stop()
        second.stop()


def test_postgres_gives_a_fresh_database_and_drops_it(postgres_server: PostgresServer) -> None:
    url, drop = postgres_server.database()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("select 1")).scalar() == 1
    engine.dispose()
    drop()
    admin = create_engine(f"{postgres_server.url}/postgres")
    with admin.connect() as connection:
        name = url.rsplit("/", 1)[1]
        assert connection.execute(text("select count(*) from pg_database where datname = :n"), {"n": name}).scalar() == 0
    admin.dispose()


def test_postgres_server_stops_and_removes_its_folder() -> None:
    server = start_postgres()
    root, port = server.root, server.port
    server.stop()
    assert port_closed(port)
    assert not root.exists()


def test_moto_bucket_takes_objects(moto_s3: MotoS3) -> None:
    bucket = moto_s3.new_bucket()
    moto_s3.client.put_object(Bucket=bucket, Key="a.txt", Body=b"hello")
    assert moto_s3.keys(bucket) == ["a.txt"]
    env = moto_s3.env(bucket)
    assert env["S3_BUCKET_NAME"] == bucket and env["S3_ENDPOINT_URL"].startswith("http://127.0.0.1:")


def test_a_process_deaf_to_sigterm_is_killed_after_its_grace() -> None:
    deaf = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, "
                             "signal.SIG_IGN); print('up', flush=True); time.sleep(60)"],
                            stdout=subprocess.PIPE, start_new_session=True)
    assert deaf.stdout is not None and deaf.stdout.readline() == b"up\n"
    started = time.monotonic()
    end_process(deaf, grace=0.5)
    assert deaf.returncode == -9
    assert time.monotonic() - started < 10


def test_kill_session_takes_the_children_too() -> None:
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time; child = subprocess.Popen("
                               "[sys.executable, '-c', 'import time; time.sleep(60)']); print(child.pid, "
                               "flush=True); time.sleep(60)"], stdout=subprocess.PIPE, start_new_session=True)
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    kill_session(parent)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child_pid):
        time.sleep(0.05)
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    """Whether a process (not a zombie awaiting its parent) is running."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_end_process_returns_at_once_for_a_polite_process() -> None:
    polite = subprocess.Popen([sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, start_new_session=True)
    assert polite.stdout is not None and polite.stdout.readline() == b"up\n"
    started = time.monotonic()
    end_process(polite, grace=5)
    assert polite.returncode == -15 and time.monotonic() - started < 5
