"""Fake OpenAI media routes (/openai/v1): image generation and edits, speech; wire format of the real API."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

PREFIX = "/openai/v1"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fake_png(label: str) -> bytes:
    """Deterministic bytes that start like a PNG and identify what produced them."""
    return PNG_SIGNATURE + b"fake-openai-image:" + label.encode()


def fake_mp3(text: str) -> bytes:
    """An ID3v2 tag (10-byte header + 6 bytes) followed by a 'frame' carrying the text."""
    tag_body = b"TAGPAD"
    header = b"ID3\x04\x00\x00" + bytes([0, 0, 0, len(tag_body)])
    return header + tag_body + b"\xff\xfb" + b"[" + text.encode() + b"]"


def _size(upload: Any) -> int:
    upload.stream.seek(0)  # the recorder already read it
    return len(upload.read())


def _unauthorized(request: Request, fake: Any) -> Response | None:
    if request.headers.get("Authorization", "") in ("", "Bearer ", "Bearer invalid-key"):
        return fake.json_response({"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                             "code": "invalid_api_key"}}, 401)
    return None


def install(fake: Any) -> None:
    fake.openai_image_urls = False  # True: generations answer with a URL whatever response_format asks
    fake.speech_parallel_max = 0  # the most speech requests seen in progress at once
    files: dict[str, bytes] = {}
    in_progress = [0]
    guard = threading.Lock()

    def image_entry(request: Request, data: bytes, want_url: bool) -> dict[str, Any]:
        if want_url:
            name = f"{uuid.uuid4().hex}.png"
            files[name] = data
            return {"url": f"{request.host_url.rstrip('/')}{PREFIX}/files/{name}", "revised_prompt": None}
        return {"b64_json": base64.b64encode(data).decode()}

    @fake.route("POST", f"{PREFIX}/images/generations")
    def generations(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        body = request.get_json(force=True)
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt:
            return fake.json_response({"error": {"message": "'prompt' is required", "type": "invalid_request_error"}},
                                      400)
        model = body.get("model", "dall-e-2")
        data = fake_png(f"{model}:{prompt}")
        want_url = fake.openai_image_urls or (not str(model).startswith("gpt-image")
                                              and body.get("response_format", "url") == "url")
        return fake.json_response({"created": int(time.time()), "data": [image_entry(request, data, want_url)]})

    @fake.route("POST", f"{PREFIX}/images/edits")
    def edits(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        form = request.form
        images = request.files.getlist("image[]") or request.files.getlist("image")
        if not images or not form.get("prompt"):
            return fake.json_response({"error": {"message": "'image' and 'prompt' are required",
                                                 "type": "invalid_request_error"}}, 400)
        sizes = ",".join(str(_size(f)) for f in images)
        data = fake_png(f"edit:{form.get('model')}:{form['prompt']}:{len(images)} images:{sizes}")
        return fake.json_response({"created": int(time.time()), "data": [image_entry(request, data, False)]})

    @fake.route("GET", f"{PREFIX}/files/(?P<name>[0-9a-f]+\\.png)")
    def hosted(request: Request, match: Any) -> Response:
        data = files.get(match["name"])
        if data is None:
            return fake.json_response({"error": {"message": "expired"}}, 404)
        return Response(data, mimetype="image/png")

    @fake.route("POST", f"{PREFIX}/audio/speech")
    def speech(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        body = request.get_json(force=True)
        text = body.get("input")
        if not isinstance(text, str) or not text or len(text) > 4096:
            return fake.json_response({"error": {"message": "'input' must be 1 to 4096 characters",
                                                 "type": "invalid_request_error"}}, 400)
        if body.get("instructions") and body.get("model") in ("tts-1", "tts-1-hd"):
            return fake.json_response({"error": {"message": "instructions are not supported by this model",
                                                 "type": "invalid_request_error"}}, 400)
        with guard:
            in_progress[0] += 1
            fake.speech_parallel_max = max(fake.speech_parallel_max, in_progress[0])
        try:
            if fake.stream_delay:
                time.sleep(fake.stream_delay)
        finally:
            with guard:
                in_progress[0] -= 1
        return Response(fake_mp3(text), mimetype="audio/mpeg")
