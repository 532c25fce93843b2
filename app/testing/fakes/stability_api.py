"""Fake StabilityAI API (/stability): v1 text-to-image, v2beta synchronous and asynchronous paths, results."""

from __future__ import annotations

import base64
import threading
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

PREFIX = "/stability"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Asynchronous v2beta paths and the media type of their results.
ASYNC_PATHS = {"image-to-video": "video/mp4", "stable-image/upscale/creative": "image/png",
               "stable-image/edit/replace-background-and-relight": "image/png"}
SYNC_3D = ("3d/stable-fast-3d", "3d/stable-point-aware-3d")


def fake_image(label: str, media_type: str = "image/png") -> bytes:
    """Deterministic bytes identifying the call that produced them."""
    if media_type == "video/mp4":
        return b"\x00\x00\x00\x18ftypmp42fake-stability-video:" + label.encode()
    if media_type == "model/gltf-binary":
        return b"glTF\x02\x00\x00\x00fake-stability-model:" + label.encode()
    return PNG_SIGNATURE + b"fake-stability-image:" + label.encode()


def _error(fake: Any, status: int, name: str, message: str) -> Response:
    return fake.json_response({"id": uuid.uuid4().hex, "name": name, "errors": [message]}, status)


def _unauthorized(request: Request, fake: Any) -> Response | None:
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer ") or auth in ("Bearer ", "Bearer invalid-key"):
        return _error(fake, 401, "unauthorized", "authorization: invalid or missing API key")
    return None


def _size(upload: Any) -> int:
    upload.stream.seek(0)  # the recorder already read it
    return len(upload.read())


def _label(request: Request, path: str) -> str:
    fields = ",".join(f"{k}={v}" for k, v in sorted(request.form.items()))
    uploads = ",".join(f"{k}:{_size(f)}" for k, f in sorted(request.files.items()) if k != "none")
    return f"{path}|{fields}|{uploads}"


def install(fake: Any) -> None:
    fake.stability_pending_polls = 2  # 202 answers before an asynchronous job's result is ready
    jobs: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    @fake.route("POST", f"{PREFIX}/v1/generation/(?P<engine>[^/]+)/text-to-image")
    def text_to_image(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        prompts = body.get("text_prompts") or []
        if not prompts or not prompts[0].get("text"):
            return _error(fake, 400, "invalid_prompts", "text_prompts: cannot be empty")
        label = f"{match['engine']}|{prompts[0]['text']}|{body.get('width')}x{body.get('height')}"
        artifact = {"base64": base64.b64encode(fake_image(label)).decode(), "seed": 42, "finishReason": "SUCCESS"}
        return fake.json_response({"artifacts": [artifact]})

    @fake.route("POST", f"{PREFIX}/v2beta/(?P<path>.+)")
    def v2beta(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        if request.mimetype != "multipart/form-data":
            return _error(fake, 400, "bad_request", "content-type: must be multipart/form-data")
        path = match["path"]
        label = _label(request, path)
        if path in ASYNC_PATHS:
            job_id = uuid.uuid4().hex
            with lock:
                jobs[job_id] = {"polls": fake.stability_pending_polls, "media": ASYNC_PATHS[path], "label": label}
            return fake.json_response({"id": job_id})
        if "prompt" in request.form and not request.form["prompt"].strip() and path.startswith("stable-image/generate"):
            return _error(fake, 400, "bad_request", "prompt: cannot be empty")
        if path in SYNC_3D:
            return Response(fake_image(label, "model/gltf-binary"), mimetype="model/gltf-binary")
        output_format = request.form.get("output_format", "png")
        media_type = f"image/{output_format}"
        data = fake_image(label, media_type)
        if request.headers.get("Accept", "").startswith("application/json"):
            return fake.json_response({"image": base64.b64encode(data).decode(), "finish_reason": "SUCCESS",
                                       "seed": 1})
        return Response(data, mimetype=media_type)

    def result(request: Request, job_id: str) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        with lock:
            job = jobs.get(job_id)
            if job is not None and job["polls"] > 0:
                job["polls"] -= 1
                return fake.json_response({"id": job_id, "status": "in-progress"}, 202)
        if job is None:
            return _error(fake, 404, "not_found", f"id: no generation with id {job_id}")
        return Response(fake_image(job["label"], job["media"]), mimetype=job["media"])

    @fake.route("GET", f"{PREFIX}/v2beta/results/(?P<id>[0-9a-f]+)")
    def generic_result(request: Request, match: Any) -> Response:
        return result(request, match["id"])

    @fake.route("GET", f"{PREFIX}/v2beta/(?P<path>.+)/result/(?P<id>[0-9a-f]+)")
    def path_result(request: Request, match: Any) -> Response:
        return result(request, match["id"])


def job_count(fake: Any) -> int:
    """How many asynchronous jobs were started (for tests)."""
    return len([r for r in fake.requests if r.method == "POST" and any(p in r.path for p in ASYNC_PATHS)])

