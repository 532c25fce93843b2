"""llm-prompt: an OpenAI model answers a prompt (with optional context and web search), streamed."""

from __future__ import annotations

import json
from typing import Any

from app import concurrency, tokens
from app.errors import UserError
from app.nodes.config import Field, NodeConfig, all_of, select, when
from app.nodes.text_generation import (
    TextGenerationProcessor,
    context_field,
    prompt_field,
)

DEFAULT_MODEL = "gpt-4.1-mini"
MODELS = [("gpt-4o-mini", "GPT-4o-mini"), ("gpt-4o", "GPT-4o"), ("gpt-4.1-nano", "GPT-4.1-nano"),
          ("gpt-4.1-mini", "GPT-4.1-mini"), ("gpt-4.1", "GPT-4.1")]
WEB_SEARCH_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini"]

SYSTEM_PLAIN = "You are a helpful assistant. "
SYSTEM_WITH_CONTEXT = (
    "You are a helpful assistant. The user message has two parts: a #Context and a #Request. "
    "Answer the #Request, using the #Context as your source of information. Answer naturally, as if you "
    "simply knew this information: do not mention or point back to the context."
)


def too_long_message(model: str, used: int, limit: int, html: bool) -> str:
    message = (f"The text is too long for the model {model}: about {used:,} tokens, and the model accepts at "
               f"most {limit:,}. Use a model with a larger context (for example gpt-4.1) or shorten the input.")
    if html:
        message += ("\n\nHTML tags were detected in the input; removing them (for example with the Web "
                    "Extractor's plain-text mode) would make it much shorter.")
    return message


class LLMPromptProcessor(TextGenerationProcessor):
    processor_type = "llm-prompt"
    provider = "OpenAI"
    api_key_name = "openai_api_key"

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="LLMPrompt", icon="OpenAILogo", section="models", outputType="markdown",
            helpMessage="llmPromptHelp", showHandlesNames=True, inputNames=["prompt", "context"],
            fields=[
                select("model", MODELS, default=DEFAULT_MODEL),
                context_field(),
                prompt_field(),
                Field(name="web_search", type="boolean", label="web_search", defaultValue=False,
                      condition=when("model", "in", WEB_SEARCH_MODELS)),
                select("search_context_size", [("low", "Low"), ("medium", "Medium"), ("high", "High")],
                       default="medium",
                       condition=all_of(when("model", "in", WEB_SEARCH_MODELS), when("web_search", "equals", True))),
                Field(name="af_node_version", type="nonRendered", hidden=True, defaultValue=2),
            ],
        )

    def _version(self) -> int:
        try:
            return int(self.node.get("af_node_version", 1) or 1)
        except (TypeError, ValueError):
            return 1

    def _uses_named_inputs(self) -> bool:
        """Current nodes (af_node_version 2) read `prompt` and `context` by name; so does any node that
        names its inputs, as scripts do. Legacy nodes had only positional edges."""
        return (self._version() > 1 or any(edge.inputName for edge in self.node.inputs)
                or self.node.has("context"))

    def _prompt_and_context(self) -> tuple[str, str]:
        if self._uses_named_inputs():
            return self.prompt_text(), self.context_text()
        # Legacy nodes (before named inputs): the prompt is the node's own value, the context its first input.
        prompt = self.node.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise UserError("No prompt provided: type one in the node's 'prompt' field.")
        upstream = self.first_input(None) if self.has_inputs else None
        if upstream is None:
            return prompt, ""
        context = upstream if isinstance(upstream, str) else json.dumps(upstream, ensure_ascii=False)
        return prompt, context

    @staticmethod
    def messages(prompt: str, context: str) -> list[dict[str, str]]:
        if not context:
            return [{"role": "system", "content": SYSTEM_PLAIN}, {"role": "user", "content": prompt}]
        return [{"role": "system", "content": SYSTEM_WITH_CONTEXT},
                {"role": "user", "content": f"#Context: {context} \n\n#Request: {prompt}"}]

    @staticmethod
    def check_size(model: str, messages: list[dict[str, str]]) -> None:
        """Refuse, with a clear message, an input larger than the model's context window."""
        limit = tokens.context_limit(model)
        contents = [m["content"] for m in messages]
        if limit is None or tokens.surely_fits(contents, limit):
            return
        used = concurrency.run_blocking(tokens.count_messages, contents, model)
        if used > limit:
            html = any("<html" in text or "<body" in text for text in contents)
            raise UserError(too_long_message(model, used, limit, html))

    def process(self) -> Any:
        prompt, context = self._prompt_and_context()
        model = self.node.get("model") or DEFAULT_MODEL
        messages = self.messages(prompt, context)
        self.check_size(model, messages)
        params: dict[str, Any] = {"model": model, "input": messages}
        if model in WEB_SEARCH_MODELS and self.input("web_search", False) in (True, "true"):
            tool: dict[str, Any] = {"type": "web_search_preview"}
            size = self.input("search_context_size")
            if size in ("low", "medium", "high"):
                tool["search_context_size"] = size
            params["tools"] = [tool]
        return self.stream_openai_response(params)
