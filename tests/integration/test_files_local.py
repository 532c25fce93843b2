"""Local uploads and /image against the real server: limits, expiry, signatures, traversal, content types."""

from __future__ import annotations

import http.client
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from urllib3 import encode_multipart_formdata

from app.settings import Settings
from app.storage.local import LocalStorage
from app.testing.server_process import ServerProcess
from tests.integration.files_support import upload

SECRET = "test-secret"  # what ServerProcess sets as FLASK_SECRET_KEY
LIMIT_MB = 0.25
LIMIT = int(LIMIT_MB * 1024 * 1024)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("files-local")
    (tmp / "secret.txt").write_text("top secret")  # next to the storage folder: must never be served
    process = ServerProcess({"MAX_UPLOAD_SIZE_MB": str(LIMIT_MB), "FLASK_SECRET_KEY": SECRET}, tmp)
    process.folder = tmp / "storage"  # type: ignore[attr-defined]
    yield process
    process.stop()


def stored(server: ServerProcess) -> list[str]:
    folder: Path = server.folder  # type: ignore[attr-defined]
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def raw_get(server: ServerProcess, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (no client-side dot-segment clean-up)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def forged_fields(server: ServerProcess, *, clock_offset: float = 0.0) -> tuple[str, dict[str, str]]:
    """An upload form signed with the server's secret, as of `clock_offset` seconds from now."""
    storage = LocalStorage(Settings(FLASK_SECRET_KEY=SECRET, MAX_UPLOAD_SIZE_MB=LIMIT_MB,
                                    LOCAL_STORAGE_FOLDER_NAME=str(server.folder)),  # type: ignore[attr-defined]
                           clock=lambda: time.time() + clock_offset)
    upload_data, _ = storage.upload_link("doc.txt", base_url=server.url)
    return upload_data["url"], upload_data["fields"]


def test_upload_at_the_limit_is_stored_and_served_with_its_type(server: ServerProcess) -> None:
    data = b"a" * LIMIT
    response, link, _ = upload(server.url, "notes.txt", data, "text/plain")
    assert response.status_code == 204, response.text
    served = requests.get(link, timeout=5)
    assert served.content == data
    assert served.headers["Content-Type"].startswith("text/plain")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert not any(name.startswith(".incoming/") for name in stored(server))


def test_oversize_upload_is_refused_and_leaves_nothing(server: ServerProcess) -> None:
    before = stored(server)
    response, link, _ = upload(server.url, "big.txt", b"a" * (LIMIT + 1), "text/plain")
    assert response.status_code == 413
    assert "larger than the limit of 0.25 MB" in response.json()["error"]
    assert stored(server) == before
    assert requests.get(link, timeout=5).status_code == 404


def post_chunked(server: ServerProcess, size: int) -> tuple[requests.Response, str]:
    """POST an upload with Transfer-Encoding: chunked (no declared length) and a file of `size` bytes."""
    url, fields = forged_fields(server)
    boundary = "b0undary"
    head = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                   for k, v in fields.items())
    head += f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\n\r\n"

    def body() -> Iterator[bytes]:
        yield head.encode()
        for start in range(0, size, 65536):
            yield b"z" * min(65536, size - start)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = requests.post(url, data=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                             timeout=30)
    return response, fields["key"]


def test_chunked_upload_within_the_limit_is_stored(server: ServerProcess) -> None:
    response, key = post_chunked(server, 100_000)
    assert response.status_code == 204, response.text
    assert (server.folder / key).read_bytes() == b"z" * 100_000  # type: ignore[attr-defined]


def test_oversize_upload_without_content_length_is_cut_off_while_streaming(server: ServerProcess) -> None:
    before = stored(server)
    response, _ = post_chunked(server, LIMIT + 4 * 65536)
    assert response.status_code == 413, response.text
    assert stored(server) == before


def test_declared_oversize_is_refused_before_reading(server: ServerProcess) -> None:
    url, fields = forged_fields(server)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("POST", urlsplit(url).path)
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", str(50 * 1024 * 1024))
        connection.endheaders()
        connection.send(b"--x\r\n")
        response = connection.getresponse()
        assert response.status == 413
    finally:
        connection.close()


def test_expired_upload_is_refused_and_leaves_nothing(server: ServerProcess) -> None:
    before = stored(server)
    url, fields = forged_fields(server, clock_offset=-3600)
    response = requests.post(url, data=fields, files={"file": ("doc.txt", b"hello")}, timeout=10)
    assert response.status_code == 403 and "expired" in response.json()["error"]
    assert stored(server) == before


def test_valid_forged_form_is_accepted_so_the_expiry_test_means_something(server: ServerProcess) -> None:
    url, fields = forged_fields(server)
    response = requests.post(url, data=fields, files={"file": ("doc.txt", b"hello")}, timeout=10)
    assert response.status_code == 204
    assert fields["key"] in stored(server)


@pytest.mark.parametrize("change", [
    {"signature": "0" * 64},
    {"max-size": str(1024 ** 3)},
    {"key": "uploads/../../secret.txt"},
    {"expires": "99999999999"},
])
def test_tampered_forms_are_refused(server: ServerProcess, change: dict[str, str]) -> None:
    before = stored(server)
    url, fields = forged_fields(server)
    response = requests.post(url, data={**fields, **change}, files={"file": ("doc.txt", b"hello")}, timeout=10)
    assert response.status_code == 403 and "signature" in response.json()["error"]
    assert stored(server) == before


def test_a_form_can_be_used_once(server: ServerProcess) -> None:
    url, fields = forged_fields(server)
    first = requests.post(url, data=fields, files={"file": ("doc.txt", b"one")}, timeout=10)
    second = requests.post(url, data=fields, files={"file": ("doc.txt", b"two")}, timeout=10)
    assert (first.status_code, second.status_code) == (204, 409)
    assert (server.folder / fields["key"]).read_bytes() == b"one"  # type: ignore[attr-defined]


def post_parts(url: str, parts: list[tuple[str, str | tuple[str, bytes]]]) -> requests.Response:
    """POST a multipart form with exactly these parts, in this order."""
    body, content_type = encode_multipart_formdata(parts)
    return requests.post(url, data=body, headers={"Content-Type": content_type}, timeout=10)


@pytest.mark.parametrize("parts, message", [
    ("no-fields", "lacks 'key'"),
    ("fields-only", "no 'file' part"),
    ("wrong-name", "named 'file'"),
    ("two-files", "exactly one file part"),
    ("empty-file", "empty"),
])
def test_malformed_forms_are_clear_4xx(server: ServerProcess, parts: str, message: str) -> None:
    before = stored(server)
    url, fields = forged_fields(server)
    file_part = ("file", ("doc.txt", b"hello"))
    form: list[tuple[str, str | tuple[str, bytes]]] = {
        "no-fields": [file_part],
        "fields-only": list(fields.items()),
        "wrong-name": [*fields.items(), ("upload", ("doc.txt", b"hello"))],
        "two-files": [*fields.items(), file_part, file_part],
        "empty-file": [*fields.items(), ("file", ("doc.txt", b""))],
    }[parts]
    response = post_parts(url, form)
    assert 400 <= response.status_code < 500
    assert message in response.json()["error"], response.text
    assert stored(server) == before


def test_non_multipart_post_is_refused(server: ServerProcess) -> None:
    url, fields = forged_fields(server)
    response = requests.post(url, data=fields, timeout=10)
    assert response.status_code == 400 and "multipart/form-data" in response.json()["error"]


@pytest.mark.parametrize("path", [
    "/image/../secret.txt",
    "/image/%2e%2e/secret.txt",
    "/image/%2E%2E%2Fsecret.txt",
    "/image/..%2fsecret.txt",
    "/image/..%5csecret.txt",
    "/image/uploads/../../secret.txt",
    "/image//etc/passwd",
    "/image/%2fetc%2fpasswd",
    "/image/.incoming/anything.part",
])
def test_traversal_attempts_on_image_are_refused(server: ServerProcess, path: str) -> None:
    status, body = raw_get(server, path)
    # Refused, or (for "//...", which the /image rule does not match) the editor's page fallback.
    assert status in (400, 404) or body.lower().startswith(b"<!doctype html>"), (status, body[:200])
    assert b"top secret" not in body and b"root:" not in body


def test_missing_image_is_a_json_404(server: ServerProcess) -> None:
    response = requests.get(f"{server.url}/image/nothing-here.png", timeout=5)
    assert response.status_code == 404 and response.json() == {"error": "File not found."}


def _cut_off_upload(server: ServerProcess, *, declared: int | None, reset: bool) -> None:
    """Send the fields and the start of the file, then close the connection mid-body."""
    url, fields = forged_fields(server)
    boundary = "cutoffboundary"
    head = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                   for name, value in fields.items())
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.txt\"\r\n"
             "Content-Type: text/plain\r\n\r\n")
    body = head.encode() + b"y" * 100_000
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        headers = [f"POST {urlsplit(url).path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}",
                   f"Content-Type: multipart/form-data; boundary={boundary}"]
        headers.append(f"Content-Length: {declared}" if declared is not None else "Transfer-Encoding: chunked")
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        sock.sendall(body if declared is not None else b"%x\r\n" % len(body) + body + b"\r\n")
        incoming = server.folder / ".incoming"  # type: ignore[attr-defined]
        deadline = time.monotonic() + 5
        while not (incoming.is_dir() and any(incoming.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert incoming.is_dir() and any(incoming.iterdir()), "the upload never started writing"
        if reset:  # an abrupt end (RST), as when a browser tab or a proxy drops the connection
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
@pytest.mark.parametrize("declared", [200_000, None], ids=["content-length", "chunked"])
def test_a_cut_off_upload_leaves_no_part_file(server: ServerProcess, declared: int | None, reset: bool) -> None:
    _cut_off_upload(server, declared=declared, reset=reset)
    incoming = server.folder / ".incoming"  # type: ignore[attr-defined]
    deadline = time.monotonic() + 1
    while any(incoming.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(incoming.iterdir()), f"left behind: {list(incoming.iterdir())}"
