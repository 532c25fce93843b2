"""claude-anthropic-processor: a Claude model answers, streamed; its thinking is shown apart from the answer.

Thinking: models up to the 4.6 generation take a token budget (`budget_tokens`); Opus 4.7 and later and
the 5 generation only think adaptively (no budget). While the model thinks, partials show a "Reasoning"
section above the answer; the output is the answer alone.

Temperature: the Messages API version the SDK speaks (2026-10-21, anthropic 2.x) rejects every sampling
parameter, even temperature 1, on every model. The node therefore never sends one (the reference's
`temperature` value, still present in saved flows, is ignored and the field is no longer offered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app import concurrency
from app.nodes.config import Field, NodeConfig, all_of, select, when
from app.nodes.text_generation import (
    StreamedAnswer,
    TextGenerationProcessor,
    context_field,
)
from app.providers.anthropic_client import (
    PROVIDER,
    anthropic_errors,
    make_client,
    stream_json,
)

DEFAULT_MODEL = "claude-sonnet-4-6"
MODELS = [
    ("claude-opus-5-5", "Claude Opus 5.5"),
    ("claude-sonnet-5-5", "Claude Sonnet 5.5"),
    ("claude-haiku-5-5", "Claude Haiku 5.5"),
    ("claude-opus-4-8", "Claude Opus 4.8"),
    ("claude-opus-4-6", "Claude Opus 4.6"),
    ("claude-sonnet-4-6", "Claude Sonnet 4.6"),
    ("claude-haiku-4-5", "Claude Haiku 4.5"),
    ("claude-opus-4-5", "Claude Opus 4.5"),
    ("claude-sonnet-4-5", "Claude Sonnet 4.5"),
    # The reference's ids: flows saved with them keep their selection (the provider may have retired them).
    ("claude-sonnet-4-0", "Claude 4 Sonnet"),
    ("claude-opus-4-0", "Claude 4 Opus"),
    ("claude-3-7-sonnet-latest", "Claude 3.7 Sonnet"),
    ("claude-3-5-sonnet-latest", "Claude 3.5 Sonnet"),
    ("claude-3-5-haiku-latest", "Claude 3.5 Haiku"),
    ("claude-3-opus-latest", "Claude 3 Opus"),
    ("claude-3-haiku-20240307", "Claude 3 Haiku"),
]
MIN_BUDGET = 1024
MAX_BUDGET = 63999
_NEW_STYLE = re.compile(r"^claude-([a-z]+)-(\d+)(?:-(\d{1,2}))?(?:-|$)")
_OLD_STYLE = re.compile(r"^claude-(\d+)(?:-(\d))?-([a-z]+)")


@dataclass(frozen=True)
class ModelTraits:
    thinking: str | None  # "budget", "adaptive" or None (the model cannot think)
    max_tokens: int


def traits(model: str) -> ModelTraits:
    """What a Claude model id accepts, from its family and version (unknown ids: a plain call)."""
    if model.startswith("claude-mythos") or model.startswith("claude-fable"):
        return ModelTraits("adaptive", 128_000)
    family, version = _family_version(model)
    if family is None:
        return ModelTraits(None, 8_192)
    if version >= (5, 0) or (family == "opus" and version >= (4, 7)):
        return ModelTraits("adaptive", 128_000)
    if version >= (4, 0):
        if family == "opus" and version < (4, 5):
            return ModelTraits("budget", 32_000)
        return ModelTraits("budget", 128_000 if family == "opus" and version >= (4, 6) else 64_000)
    if version >= (3, 7):
        return ModelTraits("budget", 64_000)
    return ModelTraits(None, 8_192 if version >= (3, 5) else 4_096)


def _family_version(model: str) -> tuple[str | None, tuple[int, int]]:
    match = _NEW_STYLE.match(model)
    if match and not match.group(1).isdigit():
        return match.group(1), (int(match.group(2)), int(match.group(3) or 0))
    match = _OLD_STYLE.match(model)
    if match:
        return match.group(3), (int(match.group(1)), int(match.group(2) or 0))
    return None, (0, 0)


def _ids(kind: str | None) -> list[str]:
    return [model for model, _ in MODELS if traits(model).thinking == kind]


THINKING_MODELS = [model for model, _ in MODELS if traits(model).thinking is not None]
BUDGET_MODELS = _ids("budget")


class ClaudeAnthropicProcessor(TextGenerationProcessor):
    processor_type = "claude-anthropic-processor"
    provider = PROVIDER
    api_key_name = "anthropic_api_key"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="ClaudeAnthropic", icon="AnthropicLogo", section="models", outputType="markdown",
            helpMessage="claudeAnthropichHelp", showHandlesNames=True,
            fields=[
                Field(name="prompt", type="textarea", label="prompt", required=True, hasHandle=True,
                      placeholder="InputTextPlaceholder"),
                context_field(placeholder=None, description="Additional context that will be used to answer "
                                                             "your prompt."),
                select("model", MODELS, default=DEFAULT_MODEL, required=True),
                Field(name="thinking", type="boolean", label="thinking", defaultValue=False,
                      condition=when("model", "in", THINKING_MODELS)),
                Field(name="budget_tokens", type="slider", label="budget_tokens", min=MIN_BUDGET, max=MAX_BUDGET,
                      defaultValue=MIN_BUDGET,
                      condition=all_of(when("model", "in", BUDGET_MODELS), when("thinking", "equals", True))),
            ],
        )

    def _message(self) -> str:
        prompt, context = self.prompt_text(), self.context_text()
        return f"Context: {context} \n Prompt: {prompt}" if context else prompt

    def request(self) -> dict[str, Any]:
        """The Messages API parameters for this node's values."""
        model = self.node.get("model") or DEFAULT_MODEL
        model_traits = traits(model)
        thinking = self.input("thinking", False) in (True, "true") and model_traits.thinking is not None
        params: dict[str, Any] = {"model": model, "max_tokens": model_traits.max_tokens,
                                  "messages": [{"role": "user", "content": self._message()}]}
        if thinking and model_traits.thinking == "budget":
            params["thinking"] = {"type": "enabled", "budget_tokens": self._budget(model_traits.max_tokens)}
        elif thinking:
            params["thinking"] = {"type": "adaptive", "display": "summarized"}
        return params

    def _budget(self, max_tokens: int) -> int:
        try:
            budget = int(float(self.input("budget_tokens", MIN_BUDGET)))
        except (TypeError, ValueError):
            budget = MIN_BUDGET
        return max(MIN_BUDGET, min(budget, max_tokens - 1))

    def process(self) -> Any:
        params = self.request()
        settings = self.ctx.settings
        call = self.new_call(PROVIDER)
        client = make_client(settings, call.api_key)
        shown = StreamedAnswer(self)
        pacer = concurrency.Pacer()
        with self.provider_call(anthropic_errors(call)):
            stream = self.track(stream_json(client, params))
            with stream:
                for event in stream:  # JSON events
                    call.chunks += 1
                    pacer.tick()
                    kind = event.get("type") if isinstance(event, dict) else None
                    if kind == "content_block_delta":
                        delta = event.get("delta") or {}
                        text = delta.get("text") if delta.get("type") == "text_delta" else None
                        thought = delta.get("thinking") if delta.get("type") == "thinking_delta" else None
                        if isinstance(text, str) and text:
                            shown.add_answer(text)
                        elif isinstance(thought, str) and thought:
                            shown.add_thought(thought)
                    elif kind == "message_stop":
                        break
        return shown.answer()
