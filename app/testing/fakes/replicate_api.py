"""Fake Replicate API (/replicate/v1): model catalogue, collections, versions with OpenAPI schemas,
predictions that move starting -> processing -> succeeded over a few polls, cancel, and output files.

Knobs on the fake for tests: `fake.replicate_polls_to_finish` (GETs of a prediction before it ends),
`fake.replicate_predictions` (id -> state, to inspect). A key starting with "bad" gets a 401.
Models:
  acme/image-maker   versions "pinned111" (output: array of uri) and "latest222" (the latest; other schema)
  acme/text-gen      version "text333" (output: concatenated array of strings)
  acme/broken        version "broken444" (the prediction fails)
  acme/slow          version "slow555" (never finishes unless cancelled)
  stability-ai/stable-video-diffusion  the SVD version (output: one mp4 uri)
"""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

PREFIX = "/replicate/v1"
SVD_VERSION = "3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438"
PNG = b"\x89PNG\r\n\x1a\n"


def file_bytes(prediction_id: str, index: int, extension: str) -> bytes:
    """Deterministic content of an output file (tests compare what our storage serves back)."""
    head = PNG if extension == "png" else b"\x00\x00\x00\x18ftypmp42"
    return head + f"fake-replicate:{prediction_id}:{index}".encode()


def _schema(input_props: dict[str, Any], required: list[str], output: dict[str, Any],
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.0.2", "info": {"title": "Cog", "version": "0.1.0"}, "paths": {},
            "components": {"schemas": {
                "Input": {"type": "object", "title": "Input", "required": required, "properties": input_props},
                "Output": output, **(extra or {})}}}


PINNED_SCHEMA = _schema(
    {
        "prompt": {"type": "string", "title": "Prompt", "x-order": 0},
        "num_outputs": {"allOf": [{"$ref": "#/components/schemas/num_outputs"}], "default": 1, "x-order": 1},
        "guidance": {"type": "number", "minimum": 0, "maximum": 10, "default": 3.5, "x-order": 2},
        "seed": {"type": "integer", "title": "Seed", "x-order": 3},
        "go_fast": {"type": "boolean", "default": True, "x-order": 4},
        "aspect_ratio": {"allOf": [{"$ref": "#/components/schemas/aspect_ratio"}], "default": "1:1"},
        "old_only": {"type": "string", "title": "Only in the pinned version"},
        "image": {"type": "string", "format": "uri", "title": "Optional input image"},
    },
    ["prompt"],
    {"type": "array", "items": {"type": "string", "format": "uri"}, "title": "Output"},
    {"num_outputs": {"type": "integer", "enum": [1, 2, 3, 4], "title": "num_outputs"},
     "aspect_ratio": {"type": "string", "enum": ["1:1", "16:9", "9:16"], "title": "aspect_ratio"}},
)
LATEST_SCHEMA = _schema(
    {"prompt": {"type": "string"}, "seed": {"type": "string"}, "new_only": {"type": "string"}},
    ["prompt", "new_only"],
    {"type": "string", "format": "uri"},
)
TEXT_SCHEMA = _schema(
    {"prompt": {"type": "string"}, "max_tokens": {"type": "integer", "minimum": 1, "maximum": 4096}},
    ["prompt"],
    {"type": "array", "items": {"type": "string"}, "x-cog-array-display": "concatenate"},
)
SIMPLE_SCHEMA = _schema({"prompt": {"type": "string"}}, ["prompt"], {"type": "string", "format": "uri"})

# version id -> (owner/name, schema, behaviour)
VERSIONS: dict[str, tuple[str, dict[str, Any], str]] = {
    "pinned111": ("acme/image-maker", PINNED_SCHEMA, "images"),
    "latest222": ("acme/image-maker", LATEST_SCHEMA, "image"),
    "text333": ("acme/text-gen", TEXT_SCHEMA, "text"),
    "broken444": ("acme/broken", SIMPLE_SCHEMA, "fail"),
    "slow555": ("acme/slow", SIMPLE_SCHEMA, "hold"),
    SVD_VERSION: ("stability-ai/stable-video-diffusion", SIMPLE_SCHEMA, "video"),
}
LATEST = {"acme/image-maker": "latest222", "acme/text-gen": "text333", "acme/broken": "broken444",
          "acme/slow": "slow555", "stability-ai/stable-video-diffusion": SVD_VERSION}


def version_json(version_id: str) -> dict[str, Any]:
    _, schema, _ = VERSIONS[version_id]
    return {"id": version_id, "created_at": "2025-01-01T00:00:00.000000Z", "cog_version": "0.13.0",
            "openapi_schema": copy.deepcopy(schema)}


def model_json(full_name: str) -> dict[str, Any]:
    owner, name = full_name.split("/")
    return {"url": f"https://replicate.com/{full_name}", "owner": owner, "name": name,
            "description": f"The {name} model", "visibility": "public", "github_url": None, "paper_url": None,
            "license_url": None, "run_count": 1234, "cover_image_url": f"https://example.com/{name}.png",
            "default_example": {"id": "example", "model": full_name, "version": LATEST[full_name],
                                "status": "succeeded", "input": {"prompt": "a cat"}, "output": None},
            "latest_version": version_json(LATEST[full_name])}


# A catalogue of 5 models served 2 per page; cursors are "page2", "page3".
CATALOGUE = ["acme/image-maker", "acme/text-gen", "acme/broken", "acme/slow", "stability-ai/stable-video-diffusion"]
COLLECTIONS = {"text-to-image": ["acme/image-maker", "acme/slow", "acme/broken"],
               "language-models": ["acme/text-gen"]}


def _problem(fake: Any, status: int, title: str, detail: str) -> Response:
    return fake.json_response({"type": "about:blank", "title": title, "status": status, "detail": detail}, status)


def _unauthorized(request: Request, fake: Any) -> Response | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme not in ("Bearer", "Token") or not token or token.startswith("bad"):
        return _problem(fake, 401, "Unauthenticated", "You did not pass a valid authentication token")
    return None


def install(fake: Any) -> None:
    fake.replicate_polls_to_finish = 2
    fake.replicate_predictions = {}
    lock = threading.Lock()

    def page(items: list[Any], cursor: str | None, path: str, per_page: int = 2) -> dict[str, Any]:
        index = int(cursor.removeprefix("page")) - 1 if cursor and cursor.startswith("page") else 0
        start = index * per_page
        more = start + per_page < len(items)
        return {"previous": None,
                "next": f"{fake.url}{PREFIX}/{path}?cursor=page{index + 2}" if more else None,
                "results": items[start:start + per_page]}

    @fake.route("GET", f"{PREFIX}/models")
    def models(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        return fake.json_response(page([model_json(m) for m in CATALOGUE], request.args.get("cursor"), "models"))

    @fake.route("GET", f"{PREFIX}/models/(?P<owner>[^/]+)/(?P<name>[^/]+)")
    def model(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        full_name = f"{match['owner']}/{match['name']}"
        if full_name not in LATEST:
            return _problem(fake, 404, "Not found", "The requested resource could not be found.")
        return fake.json_response(model_json(full_name))

    @fake.route("GET", f"{PREFIX}/models/(?P<owner>[^/]+)/(?P<name>[^/]+)/versions/(?P<version>[^/]+)")
    def version(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        found = VERSIONS.get(match["version"])
        if found is None or found[0] != f"{match['owner']}/{match['name']}":
            return _problem(fake, 404, "Not found", "The requested resource could not be found.")
        return fake.json_response(version_json(match["version"]))

    @fake.route("GET", f"{PREFIX}/collections")
    def collections(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        results = [{"name": slug.replace("-", " ").title(), "slug": slug, "description": f"Models for {slug}"}
                   for slug in COLLECTIONS]
        return fake.json_response({"next": None, "previous": None, "results": results})

    @fake.route("GET", f"{PREFIX}/collections/(?P<slug>[^/]+)")
    def collection(request: Request, match: Any) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        slug = match["slug"]
        if slug not in COLLECTIONS:
            return _problem(fake, 404, "Not found", "The requested resource could not be found.")
        listed = page([model_json(m) for m in COLLECTIONS[slug]], request.args.get("cursor"), f"collections/{slug}")
        return fake.json_response({"name": slug.replace("-", " ").title(), "slug": slug,
                                   "description": f"Models for {slug}", "models": listed["results"],
                                   "next": listed["next"]})

    def create(request: Request, version_id: str | None) -> Response:
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        version_id = version_id or body.get("version")
        if version_id not in VERSIONS:
            return _problem(fake, 422, "Invalid version or not permitted",
                            "The specified version does not exist (or perhaps you don't have permission to use it?)")
        if not isinstance(body.get("input"), dict):
            return _problem(fake, 422, "Input validation failed", "input: Invalid type. Expected: object")
        model_name, _, behaviour = VERSIONS[version_id]
        prediction_id = uuid.uuid4().hex[:20]
        state = {"id": prediction_id, "model": model_name, "version": version_id, "status": "starting",
                 "input": body["input"], "output": None, "error": None, "logs": "", "metrics": {},
                 "created_at": "2025-01-01T00:00:00.000Z", "started_at": None, "completed_at": None,
                 "urls": {"get": f"{fake.url}{PREFIX}/predictions/{prediction_id}",
                          "cancel": f"{fake.url}{PREFIX}/predictions/{prediction_id}/cancel"},
                 "_polls": 0, "_behaviour": behaviour}
        with lock:
            fake.replicate_predictions[prediction_id] = state
        return fake.json_response(_public(state), 201)

    @fake.route("POST", f"{PREFIX}/predictions")
    def create_prediction(request: Request, match: Any) -> Response:
        return create(request, None)

    @fake.route("POST", f"{PREFIX}/models/(?P<owner>[^/]+)/(?P<name>[^/]+)/predictions")
    def create_model_prediction(request: Request, match: Any) -> Response:
        return create(request, LATEST.get(f"{match['owner']}/{match['name']}", "unknown"))

    def with_prediction(request: Request, match: Any, change: Any) -> Response:
        """Authorize, find the prediction, apply `change` to its state, answer its public view."""
        if (denied := _unauthorized(request, fake)) is not None:
            return denied
        with lock:
            state = fake.replicate_predictions.get(match["id"])
            if state is None:
                return _problem(fake, 404, "Not found", "The requested resource could not be found.")
            change(state)
            return fake.json_response(_public(state))

    def cancel(state: dict[str, Any]) -> None:
        if state["status"] not in ("succeeded", "failed", "canceled"):
            state["status"] = "canceled"

    @fake.route("GET", f"{PREFIX}/predictions/(?P<id>[^/]+)")
    def get_prediction(request: Request, match: Any) -> Response:
        return with_prediction(request, match, lambda state: _advance(fake, state))

    @fake.route("POST", f"{PREFIX}/predictions/(?P<id>[^/]+)/cancel")
    def cancel_prediction(request: Request, match: Any) -> Response:
        return with_prediction(request, match, cancel)

    @fake.route("GET", "/replicate/files/(?P<id>[^/]+)/out-(?P<index>[0-9]+)\\.(?P<ext>png|mp4)")
    def output_file(request: Request, match: Any) -> Response:
        mimetype = "image/png" if match["ext"] == "png" else "video/mp4"
        return Response(file_bytes(match["id"], int(match["index"]), match["ext"]), mimetype=mimetype)


def _public(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in state.items() if not k.startswith("_")}


def _advance(fake: Any, state: dict[str, Any]) -> None:
    """One poll: starting -> processing -> the behaviour's final state after `replicate_polls_to_finish`."""
    if state["status"] in ("succeeded", "failed", "canceled"):
        return
    state["_polls"] += 1
    state["status"] = "processing"
    state["started_at"] = "2025-01-01T00:00:01.000Z"
    behaviour = state["_behaviour"]
    if behaviour == "hold" or state["_polls"] < fake.replicate_polls_to_finish:
        return
    files = f"{fake.url}/replicate/files/{state['id']}"
    state["completed_at"] = "2025-01-01T00:00:09.000Z"
    if behaviour == "fail":
        state["status"] = "failed"
        state["error"] = "CUDA out of memory. Tried to allocate 2.00 GiB"
        return
    state["status"] = "succeeded"
    if behaviour == "images":
        count = int(state["input"].get("num_outputs", 1))
        state["output"] = [f"{files}/out-{i}.png" for i in range(count)]
    elif behaviour == "image":
        state["output"] = f"{files}/out-0.png"
    elif behaviour == "video":
        state["output"] = f"{files}/out-0.mp4"
    elif behaviour == "text":
        state["output"] = ["Hello", ", ", "world", "!"]
