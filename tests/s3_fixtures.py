"""A real S3 API for tests: moto's server mode in a subprocess, with a bucket and the app's S3_* settings."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from app.testing.server_process import free_port, stop_process

REGION = "us-east-1"
ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"


@dataclass
class MotoS3:
    """A running moto server: its endpoint, a boto3 client on it, and the env selecting it for the app."""

    endpoint: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    client: Any = field(init=False)

    def __post_init__(self) -> None:
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY, config=Config(s3={"addressing_style": "path"}))

    def new_bucket(self) -> str:
        name = f"aiflow-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        return name

    def env(self, bucket: str) -> dict[str, str]:
        return {"S3_AWS_ACCESS_KEY_ID": ACCESS_KEY, "S3_AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "S3_AWS_REGION_NAME": REGION, "S3_BUCKET_NAME": bucket, "S3_ENDPOINT_URL": self.endpoint}

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def stop(self) -> None:
        stop_process(self.proc)


def start_moto(log_dir: Path, timeout: float = 30) -> MotoS3:
    port = free_port()
    log_path = log_dir / f"moto-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto server exited early:\n{log_path.read_text(errors='replace')}")
        try:
            requests.get(f"{endpoint}/moto-api/", timeout=1)
            return MotoS3(endpoint=endpoint, proc=proc, log_path=log_path)
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto server did not start")


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()
