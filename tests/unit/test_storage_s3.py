"""S3Storage against a real S3 API (moto server): put + presigned GET, presigned POST, direct reads."""

from __future__ import annotations

import base64
import functools
import json
import tempfile
from collections.abc import Iterator

import pytest
import requests

from app.errors import UserError
from app.settings import Settings
from app.storage.s3 import S3Storage
from tests.s3_fixtures import MotoS3


@functools.lru_cache(maxsize=None)
def aws_storage(endpoint: str | None = None) -> S3Storage:
    """A storage for URL recognition only (no request is made); cached, building a boto3 client is slow."""
    return S3Storage(Settings(S3_AWS_ACCESS_KEY_ID="AKIA", S3_AWS_SECRET_ACCESS_KEY="s", S3_BUCKET_NAME="my-bucket",
                              S3_AWS_REGION_NAME="eu-west-1", S3_ENDPOINT_URL=endpoint))


@pytest.mark.parametrize("url, key", [
    ("s3://my-bucket/uploads/a.pdf", "uploads/a.pdf"),
    ("https://my-bucket.s3.amazonaws.com/uploads/a.pdf", "uploads/a.pdf"),
    ("https://my-bucket.s3.eu-west-1.amazonaws.com/out%20put.png?X-Amz-Signature=abc", "out put.png"),
    ("https://my-bucket.s3-eu-west-1.amazonaws.com/a.png", "a.png"),
    ("https://s3.eu-west-1.amazonaws.com/my-bucket/dir/a.png?AWSAccessKeyId=x", "dir/a.png"),
    ("https://s3.amazonaws.com/my-bucket/a.png", "a.png"),
    ("https://other-bucket.s3.amazonaws.com/a.png", None),
    ("https://s3.amazonaws.com/other-bucket/a.png", None),
    ("s3://other-bucket/a.png", None),
    ("https://example.com/my-bucket/a.png", None),
    ("https://my-bucket.s3.amazonaws.com.evil.example/a.png", None),
])
def test_recognises_our_aws_urls(url: str, key: str | None) -> None:
    assert aws_storage().key_in(url) == key


@pytest.mark.parametrize("url, key", [
    ("http://minio.local:9000/my-bucket/uploads/a.pdf?X-Amz-Signature=abc", "uploads/a.pdf"),
    ("http://my-bucket.minio.local:9000/a.pdf", "a.pdf"),
    ("http://minio.local:9001/my-bucket/a.pdf", None),  # another port: another service
    ("https://my-bucket.s3.amazonaws.com/a.pdf", None),  # AWS is not our endpoint
    ("http://minio.local:9000/other/a.pdf", None),
])
def test_recognises_our_custom_endpoint_urls(url: str, key: str | None) -> None:
    assert aws_storage("http://minio.local:9000").key_in(url) == key


@pytest.fixture
def storage(moto_s3: MotoS3) -> Iterator[S3Storage]:  # noqa: F811
    bucket = moto_s3.new_bucket()
    env = moto_s3.env(bucket)
    yield S3Storage(Settings(**env, MAX_UPLOAD_SIZE_MB=3, UPLOAD_LINK_EXPIRY_S=300, DOWNLOAD_LINK_EXPIRY_S=120))


def test_save_puts_and_returns_a_presigned_link_served_with_its_type(storage: S3Storage, moto_s3: MotoS3) -> None:  # noqa: F811
    url = storage.save("node-1.png", b"\x89PNG...", content_type="image/png")
    assert url.startswith(f"{moto_s3.endpoint}/{storage.bucket}/node-1.png?")
    assert "X-Amz-Expires=120" in url
    response = requests.get(url, timeout=5)
    assert response.status_code == 200 and response.content == b"\x89PNG..."
    assert response.headers["Content-Type"] == "image/png"
    assert storage.read(url) == b"\x89PNG..."
    assert storage.read(f"s3://{storage.bucket}/node-1.png") == b"\x89PNG..."
    assert storage.read("https://example.com/node-1.png") is None


def test_save_uploads_a_binary_file_too(storage: S3Storage) -> None:
    with tempfile.SpooledTemporaryFile(16) as body:
        body.write(b"y" * 100)
        body.seek(0)
        url = storage.save("node-2.bin", body, content_type="application/octet-stream")
    assert storage.read(url) == b"y" * 100


def test_missing_object_is_a_clear_error(storage: S3Storage) -> None:
    with pytest.raises(UserError, match="no longer in the S3 bucket"):
        storage.read(f"s3://{storage.bucket}/gone.pdf")


def test_presigned_post_carries_size_range_type_and_expiry(storage: S3Storage, moto_s3: MotoS3) -> None:  # noqa: F811
    upload, link = storage.upload_link("My Doc.PDF")
    fields = upload["fields"]
    assert upload["url"] == f"{moto_s3.endpoint}/{storage.bucket}"
    assert fields["key"].startswith("uploads/") and fields["key"].endswith(".pdf")
    assert {"policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"} <= set(fields)
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 3 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"bucket": storage.bucket} in policy["conditions"]
    assert policy["expiration"]  # ISO time UPLOAD_LINK_EXPIRY_S ahead

    response = requests.post(upload["url"], data=fields, files={"file": ("My Doc.PDF", b"%PDF-1.4 ...")}, timeout=5)
    assert response.status_code == 204
    assert moto_s3.keys(storage.bucket) == [fields["key"]]
    downloaded = requests.get(link, timeout=5)
    assert downloaded.content == b"%PDF-1.4 ..." and downloaded.headers["Content-Type"] == "application/pdf"
    assert storage.read(link) == b"%PDF-1.4 ..."


def test_unknown_upload_type_is_refused_before_signing(storage: S3Storage) -> None:
    with pytest.raises(UserError, match="cannot be uploaded") as info:
        storage.upload_link("virus.exe")
    assert info.value.status == 400


def test_a_missing_bucket_gives_a_plain_error_without_the_secret(moto_s3: MotoS3) -> None:  # noqa: F811
    settings = Settings(**{**moto_s3.env("no-such-bucket-here")})
    with pytest.raises(UserError, match="no-such-bucket-here") as info:
        S3Storage(settings).save("a.png", b"x")
    assert "testing-secret-key" not in info.value.message
