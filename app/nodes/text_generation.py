"""What the text-generation nodes share: prompt/context inputs, stream consumption, cancel, reasoning display."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, ContextManager, Iterable, Iterator

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field
from app.providers.common import ProviderCall, stream_error
from app.providers.openai_client import make_client, openai_errors, stream_json

REASONING_HEADING = "### Reasoning"
REASONING_SEPARATOR = "\n\n---\n\n"


def context_field(placeholder: str = "ContextPlaceholder", **extra: Any) -> Field:
    return Field(name="context", type="textfield", label="context", hasHandle=True, placeholder=placeholder,
                 **extra)


def prompt_field(placeholder: str = "PromptPlaceholder") -> Field:
    return Field(name="prompt", type="textarea", label="prompt", required=True, hasHandle=True,
                 placeholder=placeholder)


def with_reasoning(reasoning: str, answer: str) -> str:
    """A partial that shows the model's reasoning in its own section above the answer so far."""
    if not reasoning:
        return answer
    quoted = reasoning.strip()
    return f"{REASONING_HEADING}\n\n{quoted}{REASONING_SEPARATOR}{answer}"


class TextGenerationProcessor(Processor):
    """Base of the nodes that stream a text answer from a provider; not a node type itself."""

    _stream: Any = None

    # ---- inputs ------------------------------------------------------------------------------
    def prompt_text(self) -> str:
        prompt = self.text_input("prompt")
        if prompt is None or not prompt.strip():
            raise UserError("No prompt provided: type one in the node's 'prompt' field or connect a node to it.")
        return prompt

    def context_text(self) -> str:
        context = self.text_input("context")
        return context if context and context.strip() else ""

    def joined_prompt(self) -> str:
        """Context and prompt as one message (the reference's "<context> <prompt>")."""
        context, prompt = self.context_text(), self.prompt_text()
        return f"{context} {prompt}" if context else prompt

    # ---- streams -----------------------------------------------------------------------------
    def track(self, stream: Any) -> Any:
        """Remember the open stream so cancel() can close it; closes it at once if already cancelled."""
        self._stream = stream
        if self.cancelled:
            self.cancel()
        return stream

    @contextmanager
    def provider_call(self, errors: ContextManager[None]) -> Iterator[None]:
        """Map provider errors with `errors`; a failure caused by our own cancel is not an error to log."""
        try:
            with errors:
                yield
        except Exception:
            if self.cancelled:  # the cancel hook closed the stream under the reader: expected
                raise UserError("The run was cancelled.") from None
            raise

    def cancel(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # closing a half-read connection may complain; it is closed either way
                pass

    def stream_openai_response(self, params: dict[str, Any]) -> str:
        """Call OpenAI's Responses API with streaming (partials shown as they come); the final text."""
        call = self.new_call("OpenAI")
        client = make_client(self.ctx.settings, call.api_key, "OpenAI")
        with self.provider_call(openai_errors(call)):
            stream = self.track(stream_json(client, "/responses", params))
            with stream:
                return self.consume_responses(stream, call)

    def stream_chat(self, provider: str, params: dict[str, Any]) -> str:
        """Call a Chat Completions API (OpenAI, DeepSeek, OpenRouter) with streaming; the final answer."""
        call = self.new_call(provider)
        client = make_client(self.ctx.settings, call.api_key, provider)
        with self.provider_call(openai_errors(call)):
            stream = self.track(stream_json(client, "/chat/completions", params))
            with stream:
                answer, _ = self.consume_chat(stream, call)
        return answer

    def consume_responses(self, events: Iterable[Any], call: ProviderCall) -> str:
        """Read an OpenAI Responses API stream (JSON events): stream text deltas; the final text is the
        completed response's."""
        parts: list[str] = []
        final: str | None = None
        pacer = concurrency.Pacer()
        provider = call.provider
        for event in events:
            call.chunks += 1
            pacer.tick()
            kind = _get(event, "type")
            if kind == "response.output_text.delta":
                delta = _get(event, "delta")
                if isinstance(delta, str) and delta:
                    parts.append(delta)
                    self.stream_delta(delta)
            elif kind == "response.completed":
                final = _output_text(_get(event, "response"))
            elif kind in ("response.failed", "response.incomplete"):
                response = _get(event, "response")
                error = _get(response, "error")
                if error:
                    raise stream_error(provider, _get(error, "message"))
                details = _get(response, "incomplete_details")
                if kind == "response.incomplete" and details and not parts:
                    raise stream_error(provider, f"the answer is incomplete ({_get(details, 'reason') or '?'})")
            elif kind == "error":
                raise stream_error(provider, _get(event, "message"))
        return final if final else "".join(parts)

    def consume_chat(self, chunks: Iterable[Any], call: ProviderCall) -> tuple[str, str]:
        """Read a Chat Completions stream (JSON chunks); partials show any reasoning above the answer.

        Returns (answer, reasoning)."""
        shown = StreamedAnswer(self)
        pacer = concurrency.Pacer()
        for chunk in chunks:
            call.chunks += 1
            pacer.tick()
            for choice in _get(chunk, "choices") or []:
                delta = _get(choice, "delta")
                if not delta:
                    continue
                thought = _get(delta, "reasoning_content") or _get(delta, "reasoning")
                if isinstance(thought, str) and thought:
                    shown.add_thought(thought)
                content = _get(delta, "content")
                if isinstance(content, str) and content:
                    shown.add_answer(content)
        return shown.answer(), shown.reasoning()


class StreamedAnswer:
    """An answer (and any reasoning) growing chunk by chunk, shown as partials in O(total) work:
    without reasoning each chunk is a delta; with it, the partial is rebuilt only when one is sent."""

    def __init__(self, processor: Processor) -> None:
        self._processor = processor
        self._answer: list[str] = []
        self._thoughts: list[str] = []

    def add_answer(self, text: str) -> None:
        self._answer.append(text)
        if self._thoughts:
            self._processor.stream(self._partial)
        else:
            self._processor.stream_delta(text)

    def add_thought(self, text: str) -> None:
        self._thoughts.append(text)
        self._processor.stream(self._partial)

    def _partial(self) -> str:
        return with_reasoning(self.reasoning(), self.answer())

    def answer(self) -> str:
        return "".join(self._answer)

    def reasoning(self) -> str:
        return "".join(self._thoughts)


def _get(value: Any, name: str) -> Any:
    """A field of a JSON object (None when the value is not an object: a malformed event reads as empty)."""
    return value.get(name) if isinstance(value, dict) else None


def _output_text(response: Any) -> str | None:
    """The text of a Responses API response object: its output messages' output_text parts, joined."""
    texts = [_get(part, "text") for item in _get(response, "output") or [] if _get(item, "type") == "message"
             for part in _get(item, "content") or [] if _get(part, "type") == "output_text"]
    text = "".join(t for t in texts if isinstance(t, str))
    return text or None
