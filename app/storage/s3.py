"""S3 (or S3-compatible: MinIO, R2, ...) storage: put + presigned GET, presigned POST uploads, direct reads."""

from __future__ import annotations

import logging
import re
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.errors import UserError
from app.settings import Settings
from app.storage.base import Storage, UploadLink, max_upload_bytes, new_upload_key
from app.storage.media_types import content_type_for

log = logging.getLogger(__name__)

# Hosts of AWS S3 in every style: s3.amazonaws.com, s3.eu-west-1.amazonaws.com, s3-eu-west-1...,
# s3.dualstack.eu-west-1..., optionally prefixed by a bucket (virtual-hosted style).
_AWS_HOST = re.compile(r"^(?:(?P<bucket>.+)\.)?s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")
_MISSING = {"NoSuchKey", "404", "NotFound"}


def _host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), parts.port or default


class S3Storage(Storage):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bucket = settings.s3_bucket_name or ""
        self.endpoint = settings.s3_endpoint_url or None
        config = Config(
            signature_version="s3v4",
            max_pool_connections=settings.max_pool_connections,
            connect_timeout=10,
            read_timeout=settings.provider_timeout_s,
            retries={"max_attempts": settings.provider_max_retries + 1, "mode": "standard"},
            # S3-compatible services (MinIO, moto, ...) are reached by path, not by bucket sub-domain.
            s3={"addressing_style": "path" if self.endpoint else "auto"},
        )
        self.client: Any = boto3.session.Session().client(
            "s3",
            aws_access_key_id=settings.s3_aws_access_key_id,
            aws_secret_access_key=settings.s3_aws_secret_access_key,
            region_name=settings.s3_aws_region_name or None,
            endpoint_url=self.endpoint,
            config=config,
        )

    # ---- Storage ----------------------------------------------------------------------------
    def save(self, filename: str, data: bytes | IO[bytes], *, base_url: str | None = None,
             content_type: str | None = None) -> str:
        try:
            self.client.put_object(Bucket=self.bucket, Key=filename, Body=data,
                                   ContentType=content_type or content_type_for(filename))
        except (ClientError, BotoCoreError) as exc:
            raise self._error("store the file in", exc) from None
        return self.download_url(filename)

    def read(self, url: str) -> bytes | None:
        key = self.key_in(url)
        if key is None:
            return None
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise UserError(f"The file '{key}' is no longer in the S3 bucket.") from None
            raise self._error(f"read '{key}' from", exc) from None
        except BotoCoreError as exc:
            raise self._error(f"read '{key}' from", exc) from None

    def upload_link(self, filename: str | None, base_url: str | None = None) -> UploadLink:
        key = new_upload_key(filename)
        content_type = content_type_for(key)
        try:
            post = self.client.generate_presigned_post(
                Bucket=self.bucket, Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type},
                            ["content-length-range", 1, max_upload_bytes(self.settings)]],
                ExpiresIn=self.settings.upload_link_expiry_s,
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._error("prepare an upload to", exc) from None
        return {"url": post["url"], "fields": post["fields"]}, self.download_url(key, content_type)

    # ---- helpers ----------------------------------------------------------------------------
    def download_url(self, key: str, content_type: str | None = None) -> str:
        """A presigned GET link (DOWNLOAD_LINK_EXPIRY_S) that serves the file with its content type."""
        params = {"Bucket": self.bucket, "Key": key, "ResponseContentType": content_type or content_type_for(key)}
        try:
            return self.client.generate_presigned_url("get_object", Params=params,
                                                      ExpiresIn=self.settings.download_link_expiry_s)
        except (ClientError, BotoCoreError) as exc:
            raise self._error("sign a link to", exc) from None

    def revalidate(self, url: str) -> str | None:
        key = self.key_in(url)
        if key is None:
            return url
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise self._error(f"check '{key}' in", exc) from None
        except BotoCoreError as exc:
            raise self._error(f"check '{key}' in", exc) from None
        return self.download_url(key, head.get("ContentType"))

    def key_in(self, url: str) -> str | None:
        """The object key if `url` points into our bucket (s3://, path or virtual-hosted style, presigned
        or not, on AWS or on the configured endpoint); None otherwise."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        path = unquote(parts.path)
        if parts.scheme == "s3":
            return self._key(path) if parts.netloc == self.bucket else None
        if parts.scheme not in ("http", "https"):
            return None
        host, port = _host_port(url)
        endpoints = [self.endpoint] if self.endpoint else [self.client.meta.endpoint_url]
        for endpoint in endpoints:
            endpoint_host, endpoint_port = _host_port(endpoint)
            if port != endpoint_port:
                continue
            if host == endpoint_host:
                return self._path_style(path)
            if host == f"{self.bucket}.{endpoint_host}".lower():
                return self._key(path)
        if not self.endpoint and (match := _AWS_HOST.match(host)):
            if match.group("bucket") is None:
                return self._path_style(path)
            return self._key(path) if match.group("bucket") == self.bucket.lower() else None
        return None

    def _path_style(self, path: str) -> str | None:
        prefix = f"/{self.bucket}/"
        return self._key(path[len(prefix) - 1:]) if path.startswith(prefix) else None

    @staticmethod
    def _key(path: str) -> str | None:
        key = path.lstrip("/")
        return key or None

    def _error(self, action: str, exc: Exception) -> UserError:
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "error")
            log.warning("S3 could not %s bucket %s: %s", action, self.bucket, code)
            return UserError(f"Could not {action} the S3 bucket '{self.bucket}' ({code}); check the S3 settings.")
        log.warning("S3 could not %s bucket %s: %s", action, self.bucket, type(exc).__name__)
        return UserError(f"Could not {action} the S3 bucket '{self.bucket}': the storage service is unreachable "
                         "or misconfigured.")
