"""Fake OpenAI-style text APIs: Responses (streamed or not) and Chat Completions (streamed, with reasoning).

Routes: POST /openai/v1/responses, POST {/openai/v1,/deepseek,/openrouter/api/v1}/chat/completions,
GET /openrouter/api/v1/models. What the fake answers is set by the test through `script(fake)`.
A key starting with "bad" is rejected with 401 (the message quotes the key, as OpenAI's does).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from werkzeug.wrappers import Request, Response

from app.testing.fakes.provider_server import FakeProviders

CHAT_PREFIXES = ("/openai/v1", "/deepseek", "/openrouter/api/v1")
DEFAULT_ANSWER = "Hello from the fake provider. This answer arrives in several pieces."
_WORD = re.compile(r"\S+\s*|\s+")


@dataclass
class LLMScript:
    """What the fake text models answer, shared by the OpenAI-style and Anthropic fakes."""

    answer: str = DEFAULT_ANSWER
    reasoning: str = ""  # DeepSeek reasoning_content, OpenRouter reasoning, Claude thinking (when asked)
    pace: float = 0.0  # seconds before each delta after the first (on top of fake.stream_delay)
    pace_by_key: dict[str, float] = field(default_factory=dict)  # API key -> pace for that key's calls
    chunk_size: int = 0  # > 0: deltas of exactly this many characters instead of words
    batch: int = 1  # SSE events written at once (a fast stream: many small deltas, few writes)
    fault: str = ""  # "garbage": undecodable chunks after the first deltas; "drop": connection cut mid-answer
    fault_after: int = 5  # deltas sent before the fault
    first_delta_at: float | None = None  # time.monotonic() when the first answer delta was sent
    openrouter_models: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": "fake/live-model", "name": "Fake Live Model",
         "architecture": {"modality": "text->text"}},
        {"id": "qwen/qvq-72b-preview", "name": "Qwen: QvQ 72B Preview",
         "architecture": {"modality": "text+image->text"}},
    ])

    def pieces(self, text: str) -> list[str]:
        if self.chunk_size > 0:
            return [text[i:i + self.chunk_size] for i in range(0, len(text), self.chunk_size)]
        return _WORD.findall(text)


def script(fake: FakeProviders) -> LLMScript:
    current = getattr(fake, "llm_script", None)
    if current is None:
        current = LLMScript()
        fake.llm_script = current  # type: ignore[attr-defined]
    return current


def reset_script(fake: FakeProviders) -> LLMScript:
    fake.llm_script = LLMScript()  # type: ignore[attr-defined]
    return fake.llm_script  # type: ignore[attr-defined]


def bearer(request: Request) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def rejected_key(fake: FakeProviders, key: str) -> Response | None:
    if key.startswith("bad"):
        return fake.json_response({"error": {"message": f"Incorrect API key provided: {key}.",
                                             "type": "invalid_request_error", "code": "invalid_api_key"}}, 401)
    return None


class Dropped(Exception):
    """Raised inside a response body: the fake's server cuts the connection mid-answer."""


def paced(s: LLMScript, pieces: list[str], key: str = "") -> Iterator[tuple[int, str]]:
    pace = s.pace_by_key.get(key, s.pace)
    for index, piece in enumerate(pieces):
        if index and pace:
            time.sleep(pace)
        if s.fault == "drop" and index == s.fault_after:
            raise Dropped("connection cut by the test")
        yield index, piece


def faulted(s: LLMScript, events: Iterator[str]) -> Iterator[str]:
    """The events, with garbage in place of the rest after `fault_after` deltas when asked."""
    for index, event in enumerate(events):
        if s.fault == "garbage" and index > s.fault_after:
            yield "data: {this is not json\n\n"
            yield "data: \x00\x01garbage]]\n\n"
            return
        yield event


def batched(s: LLMScript, events: Iterator[str]) -> Iterator[str]:
    """Group `s.batch` SSE events per write (the client still parses each event)."""
    if s.batch <= 1:
        yield from events
        return
    group: list[str] = []
    for event in events:
        group.append(event)
        if len(group) >= s.batch:
            yield "".join(group)
            group = []
    if group:
        yield "".join(group)


def _sse(event: str | None, data: dict[str, Any]) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def response_object(model: str, text: str, status: str = "completed") -> dict[str, Any]:
    return {
        "id": "resp_fake", "object": "response", "created_at": int(time.time()), "model": model,
        "status": status, "output_text": text,
        "output": [{"type": "message", "id": "msg_fake", "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": text, "annotations": []}]}],
        "usage": {"input_tokens": 10, "output_tokens": max(1, len(text) // 4), "total_tokens": 10},
    }


def install(fake: FakeProviders) -> None:
    @fake.route("POST", "/openai/v1/responses")
    def responses(request: Request, match: re.Match[str]) -> Response:
        refused = rejected_key(fake, bearer(request))
        if refused is not None:
            return refused
        body = request.get_json(force=True)
        s = script(fake)
        model = body.get("model", "")
        if not body.get("stream"):
            return fake.json_response(response_object(model, s.answer))

        def events() -> Iterator[str]:
            sequence = 0
            yield _sse("response.created", {"type": "response.created", "sequence_number": sequence,
                                            "response": response_object(model, "", "in_progress")})
            for index, piece in paced(s, s.pieces(s.answer), bearer(request)):
                sequence += 1
                if index == 0:
                    s.first_delta_at = time.monotonic()
                yield _sse("response.output_text.delta", {
                    "type": "response.output_text.delta", "sequence_number": sequence, "item_id": "msg_fake",
                    "output_index": 0, "content_index": 0, "delta": piece, "logprobs": []})
            yield _sse("response.completed", {"type": "response.completed", "sequence_number": sequence + 1,
                                              "response": response_object(model, s.answer)})

        return fake.sse(request.path, batched(s, faulted(s, events())))

    def chat(request: Request, match: re.Match[str]) -> Response:
        refused = rejected_key(fake, bearer(request))
        if refused is not None:
            return refused
        body = request.get_json(force=True)
        s = script(fake)
        model = body.get("model", "")
        reasoning_key = "reasoning" if request.path.startswith("/openrouter") else "reasoning_content"
        if not body.get("stream"):
            return fake.json_response({
                "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": s.answer}}]})

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            return _sse(None, {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                               "created": int(time.time()), "model": model,
                               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

        def events() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            for piece in s.pieces(s.reasoning):
                yield chunk({reasoning_key: piece, "content": None})
            for index, piece in paced(s, s.pieces(s.answer), bearer(request)):
                if index == 0:
                    s.first_delta_at = time.monotonic()
                yield chunk({"content": piece})
            yield chunk({}, "stop")
            yield "data: [DONE]\n\n"

        return fake.sse(request.path, batched(s, faulted(s, events())))

    for prefix in CHAT_PREFIXES:
        fake.route("POST", f"{re.escape(prefix)}/chat/completions")(chat)

    @fake.route("GET", "/openrouter/api/v1/models")
    def openrouter_models(request: Request, match: re.Match[str]) -> Response:
        return fake.json_response({"data": script(fake).openrouter_models})
