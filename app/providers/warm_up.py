"""Start-up work on a native thread (app.lifecycle): import the provider SDKs, build the types they make lazily.

The first streamed answer after a start would otherwise spend over a second inside the stream loop on
imports and on building pydantic validators for the event models (blocking every green thread, and
delivering that stream to the user in one burst). Here each SDK reads a tiny canned stream from an
in-memory transport (httpx's MockTransport: no network, no key) so that work is done before users come.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from typing import Any

from app import concurrency

log = logging.getLogger(__name__)


def _sse(event: str | None, data: dict[str, Any]) -> str:
    return (f"event: {event}\n" if event else "") + f"data: {json.dumps(data)}\n\n"


def _response(status: str, text: str) -> dict[str, Any]:
    return {"id": "resp_warm", "object": "response", "created_at": 0, "model": "warm-up", "status": status,
            "output": [{"type": "message", "id": "msg_warm", "role": "assistant", "status": "completed",
                        "content": [{"type": "output_text", "text": text, "annotations": []}]}],
            "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}}


def _openai_streams() -> dict[str, str]:
    responses = "".join([
        _sse("response.created", {"type": "response.created", "sequence_number": 0,
                                   "response": _response("in_progress", "")}),
        _sse("response.output_text.delta", {"type": "response.output_text.delta", "sequence_number": 1,
                                             "item_id": "msg_warm", "output_index": 0, "content_index": 0,
                                             "delta": "ok", "logprobs": []}),
        _sse("response.completed", {"type": "response.completed", "sequence_number": 2,
                                     "response": _response("completed", "ok")}),
    ])
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "warm-up",
             "choices": [{"index": 0, "delta": {"role": "assistant", "content": "ok"}, "finish_reason": None}]}
    chat = _sse(None, chunk) + "data: [DONE]\n\n"
    return {"/v1/responses": responses, "/v1/chat/completions": chat}


def _anthropic_stream() -> str:
    message = {"id": "m", "type": "message", "role": "assistant", "model": "warm-up", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}
    events = [("message_start", {"message": message}),
              ("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
              ("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": "ok"}}),
              ("content_block_delta", {"index": 0, "delta": {"type": "thinking_delta", "thinking": "ok"}}),
              ("content_block_stop", {"index": 0}),
              ("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                 "usage": {"output_tokens": 1}}),
              ("message_stop", {})]
    return "".join(_sse(name, {"type": name, **data}) for name, data in events)


def _warm_openai() -> None:
    import httpx
    import openai

    streams = _openai_streams()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"},
                              content=streams[request.url.path].encode())

    client = openai.OpenAI(api_key="warm-up", base_url="http://warm-up.invalid/v1", max_retries=0,
                           http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    with client.responses.create(model="warm-up", input="x", stream=True) as stream:
        for _ in stream:
            pass
    with client.chat.completions.create(model="warm-up", messages=[{"role": "user", "content": "x"}],
                                        stream=True) as chunks:
        for _ in chunks:
            pass


def _warm_anthropic() -> None:
    import anthropic
    import httpx2

    body = _anthropic_stream().encode()

    def answer(request: Any) -> Any:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client = anthropic.Anthropic(api_key="warm-up", base_url="http://warm-up.invalid", max_retries=0,
                                 http_client=httpx2.Client(transport=httpx2.MockTransport(answer)))
    with client.messages.create(model="warm-up", max_tokens=1, stream=True,
                                messages=[{"role": "user", "content": "x"}]) as stream:
        for _ in stream:
            pass


#: Set once the warm-up has ended; None when none was started (mock mode, tests in one process).
_warm: Any = None


def start_warm_up() -> None:
    """Warm the SDKs up on a native thread (the event loop keeps serving), then freeze their ~300,000 long-lived
    objects out of the collector's passes. Until it ends, wait_until_warm() holds the SDKs' users."""
    global _warm
    done = concurrency.event()
    _warm = done

    def run() -> None:
        try:
            concurrency.run_blocking(warm_up)
            gc.freeze()
        finally:
            done.set()

    concurrency.spawn(run)


def wait_until_warm(timeout: float = 30.0) -> None:
    """Call before importing an SDK: while the warm-up thread imports it, a green thread waits here (letting the
    others run) instead of blocking the whole event loop on the interpreter's import lock."""
    if _warm is not None:
        _warm.wait(timeout)


def warm_up() -> None:
    """Run each SDK once on canned answers (a failure only costs the first real call its speed)."""
    started = time.monotonic()
    for name, step in (("OpenAI", _warm_openai), ("Anthropic", _warm_anthropic)):
        try:
            step()
        except Exception as exc:  # never fatal: the SDK still works, only its first call is slower
            log.warning("%s SDK warm-up failed: %s", name, type(exc).__name__)
    log.debug("provider SDKs warmed up in %.2f s", time.monotonic() - started)
