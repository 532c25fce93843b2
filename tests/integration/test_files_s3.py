"""S3 mode against moto's S3 API: the upload form's policy, link lifetimes, no local file routes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import requests

from app.testing.server_process import ServerProcess
from tests.integration.files_support import upload
from tests.s3_fixtures import MotoS3


@pytest.fixture(scope="module")
def s3_server(moto_s3: MotoS3, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
              ) -> Iterator[tuple[ServerProcess, MotoS3, str]]:
    bucket = moto_s3.new_bucket()
    env = {**moto_s3.env(bucket), "MAX_UPLOAD_SIZE_MB": "2", "UPLOAD_LINK_EXPIRY_S": "300",
           "DOWNLOAD_LINK_EXPIRY_S": "3600"}
    server = ServerProcess(env, tmp_path_factory.mktemp("files-s3"))
    yield server, moto_s3, bucket
    server.stop()


def test_upload_form_is_a_presigned_post_with_a_size_range(s3_server: tuple[ServerProcess, MotoS3, str]) -> None:
    server, moto, bucket = s3_server
    before = moto.keys(bucket)
    answer = requests.get(f"{server.url}/upload", params={"filename": "scan.PNG"}, timeout=10).json()
    upload_data, link = answer["upload_data"], answer["download_link"]
    assert upload_data["url"] == f"{moto.endpoint}/{bucket}"
    fields = upload_data["fields"]
    assert {"key", "policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"} <= set(fields)
    assert fields["key"].startswith("uploads/") and fields["key"].endswith(".png")
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 2 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert 250 < (expiration - datetime.now(timezone.utc)).total_seconds() <= 301
    assert link.startswith(f"{moto.endpoint}/{bucket}/{fields['key']}?") and "X-Amz-Expires=3600" in link
    assert moto.keys(bucket) == before  # nothing is stored until the browser posts the file


def test_upload_lands_in_the_bucket_with_its_content_type(s3_server: tuple[ServerProcess, MotoS3, str]) -> None:
    server, moto, bucket = s3_server
    response, link, upload_data = upload(server.url, "clip.mp3", b"ID3 fake mp3", "audio/mpeg")
    assert response.status_code == 204
    head = moto.client.head_object(Bucket=bucket, Key=upload_data["fields"]["key"])
    assert head["ContentType"] == "audio/mpeg"
    served = requests.get(link, timeout=10)
    assert served.content == b"ID3 fake mp3" and served.headers["Content-Type"] == "audio/mpeg"


def test_local_file_routes_are_off_in_s3_mode(s3_server: tuple[ServerProcess, MotoS3, str]) -> None:
    server, _, _ = s3_server
    image = requests.get(f"{server.url}/image/anything.png", timeout=5)
    assert image.status_code == 404 and "S3" in image.json()["error"]
    local = requests.post(f"{server.url}/upload/local", files={"file": ("a.txt", b"x")}, timeout=5)
    assert local.status_code == 404 and "S3" in local.json()["error"]
