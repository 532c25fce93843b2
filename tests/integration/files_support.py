"""Helpers of the file tests: the editor's two-step upload, a small real PDF, a fake OpenAI image edit."""

from __future__ import annotations

import base64
from typing import Any

import requests

from app.testing.fakes.provider_server import FakeProviders

# A 1x1 PNG: what the fake image model "returns".
EDITED_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
SOURCE_PNG = EDITED_PNG[:-12] + b"source-image" + EDITED_PNG[-12:]


def upload(base_url: str, filename: str, data: bytes, content_type: str = "application/octet-stream"
           ) -> tuple[requests.Response, str, dict[str, Any]]:
    """Like the editor: GET /upload?filename=, then POST every field and then `file` to upload_data.url.
    Returns the POST's response, the download link and upload_data."""
    answer = requests.get(f"{base_url}/upload", params={"filename": filename}, timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"upload_data", "download_link"}
    upload_data = body["upload_data"]
    response = requests.post(upload_data["url"], data=upload_data["fields"],
                             files={"file": (filename, data, content_type)}, timeout=30)
    return response, body["download_link"], upload_data


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose text layer says `text` (ASCII, no parentheses)."""
    content = f"BT /F1 18 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def fake_image_edits() -> FakeProviders:
    """A fake OpenAI answering POST /images/edits with EDITED_PNG (the request, with its files, is recorded)."""
    fake = FakeProviders()

    @fake.route("POST", "/openai/v1/images/edits")
    def edits(request: Any, match: Any) -> Any:
        return fake.json_response({"created": 1, "data": [{"b64_json": base64.b64encode(EDITED_PNG).decode()}]})

    return fake.start()


def run_outputs(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The run_end output of a run's events (with a readable failure when the run did not succeed)."""
    ends = [data for name, data in events if name == "run_end"]
    errors = [data for name, data in events if name == "error"]
    assert ends and not errors, f"run failed: {errors or events}"
    return ends[-1]["output"]
