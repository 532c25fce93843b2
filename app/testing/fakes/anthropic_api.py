"""Fake Anthropic Messages API: POST /anthropic/v1/messages, streamed (with thinking blocks) or not.

Like API version 2026-10-21, it refuses sampling parameters (temperature, top_p, top_k) with a 400.

The answer and thinking come from `script(fake)` (app/testing/fakes/openai_api.py); thinking blocks are sent
only when the request asks for thinking. A key (x-api-key) starting with "bad" gets a 401.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Iterator

from werkzeug.wrappers import Request, Response

from app.testing.fakes.openai_api import paced, script
from app.testing.fakes.provider_server import FakeProviders


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps({'type': event, **data})}\n\n"


def message_object(model: str, content: list[dict[str, Any]], stop: str | None = "end_turn") -> dict[str, Any]:
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": stop, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 1}}


def install(fake: FakeProviders) -> None:
    @fake.route("POST", "/anthropic/v1/messages")
    def messages(request: Request, match: re.Match[str]) -> Response:
        # SDK 2.x sends the key as a bearer token; x-api-key wins when both are present (as on the real API).
        key = request.headers.get("x-api-key") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if key.startswith("bad"):
            return fake.json_response({"type": "error", "error": {
                "type": "authentication_error", "message": f"invalid x-api-key {key}"}}, 401)
        body = request.get_json(force=True)
        sampling = [name for name in ("temperature", "top_p", "top_k") if name in body]
        if sampling:
            return fake.json_response({"type": "error", "error": {
                "type": "invalid_request_error", "message": f"{sampling[0]}: Extra inputs are not permitted"}}, 400)
        s = script(fake)
        model = body.get("model", "")
        thinking = (body.get("thinking") or {}).get("type") in ("enabled", "adaptive") and bool(s.reasoning)
        if not body.get("stream"):
            content = [{"type": "thinking", "thinking": s.reasoning, "signature": "sig"}] if thinking else []
            return fake.json_response(message_object(model, content + [{"type": "text", "text": s.answer}]))

        def events() -> Iterator[str]:
            yield _sse("message_start", {"message": message_object(model, [], None)})
            index = 0
            if thinking:
                yield _sse("content_block_start", {"index": 0, "content_block": {
                    "type": "thinking", "thinking": "", "signature": ""}})
                for piece in s.pieces(s.reasoning):
                    yield _sse("content_block_delta", {"index": 0, "delta": {"type": "thinking_delta",
                                                                              "thinking": piece}})
                yield _sse("content_block_delta", {"index": 0, "delta": {"type": "signature_delta",
                                                                          "signature": "c2lnbmF0dXJl"}})
                yield _sse("content_block_stop", {"index": 0})
                index = 1
            yield _sse("content_block_start", {"index": index, "content_block": {"type": "text", "text": ""}})
            yield "event: ping\ndata: {\"type\": \"ping\"}\n\n"
            for position, piece in paced(s, s.pieces(s.answer)):
                if position == 0:
                    s.first_delta_at = time.monotonic()
                yield _sse("content_block_delta", {"index": index, "delta": {"type": "text_delta", "text": piece}})
            yield _sse("content_block_stop", {"index": index})
            yield _sse("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                         "usage": {"output_tokens": max(1, len(s.answer) // 4)}})
            yield _sse("message_stop", {})

        return fake.sse(request.path, events())
