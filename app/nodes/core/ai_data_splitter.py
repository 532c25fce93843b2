"""ai-data-splitter: splits its input into several outputs, on a separator or by asking an OpenAI model."""

from __future__ import annotations

import json
from typing import Any

from app.errors import UserError
from app.nodes.config import Field, NodeConfig, select, when
from app.nodes.text_generation import TextGenerationProcessor
from app.providers.openai_client import make_client, openai_errors

AI_MODEL = "gpt-4o"
AI_SEPARATOR = ";"
DEFAULT_SEPARATOR = ";"
_ESCAPES = {"\\n": "\n", "\\r": "\r", "\\t": "\t"}

SYSTEM_PROMPT = """Split the text of the next message into its separate ideas, items or concepts.
Answer with the parts only, separated by semicolons (;), without numbering, quotes or any other text.
Keep each part in the language of the message and do not add a semicolon at the end.

Examples:
Message: Cats sleep a lot. Dogs need walks. Fish are quiet.
Answer: Cats sleep a lot;Dogs need walks;Fish are quiet

Message: Buy milk, call the bank, and book the train to Lyon.
Answer: Buy milk;Call the bank;Book the train to Lyon

Message: 1. Introduction 2. Methods 3. Results
Answer: Introduction;Methods;Results

Message: Le soleil brille. Il fait chaud. Allons a la plage.
Answer: Le soleil brille;Il fait chaud;Allons a la plage"""


def split_text(text: str, separator: str) -> list[str]:
    """Split on the separator, trim every part and drop the empty ones."""
    return [part.strip() for part in text.split(separator) if part.strip()]


def unescape_separator(separator: str) -> str:
    """The two-character strings \\n, \\r and \\t stand for the control characters."""
    return _ESCAPES.get(separator, separator)


class AIDataSplitterProcessor(TextGenerationProcessor):
    processor_type = "ai-data-splitter"
    provider = "OpenAI"
    api_key_name = "openai_api_key"
    mock_output = ["Lorem Ipsum", "Lorem Ipsum"]

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="AiDataSplitter", icon="FiScissors", section="tools", outputType="text",
            helpMessage="dataSplitterHelp", hasInputHandle=True,
            fields=[
                select("mode", [("ai", "AI"), ("manual", "Separator")], default="manual", type="option"),
                Field(name="separator", type="textfield", label="separator", defaultValue=DEFAULT_SEPARATOR,
                      condition=when("mode", "equals", "manual"),
                      description="The text between two parts; \\n, \\r and \\t stand for new line, "
                                  "carriage return and tab."),
                Field(name="nbOutput", type="inputInt", label="nb_output", min=1),
            ],
        )

    @classmethod
    def is_mocked(cls, node: Any) -> bool:
        """Only the AI mode calls a provider; the separator mode runs for real in mock mode."""
        return cls._mode_of(node) == "ai"

    @staticmethod
    def _mode_of(node: Any) -> str:
        mode = node.get("mode")
        return mode if isinstance(mode, str) and mode else "manual"

    def _data(self) -> str:
        if not self.has_inputs:
            raise UserError("Nothing to split: connect a node to the splitter's input.")
        value = self.first_input(None)
        if value is None:
            raise UserError("Nothing to split: the node connected to the splitter produced no output.")
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def _expected_outputs(self) -> int:
        for key in ("nbOutput", "nb_output"):
            try:
                value = int(self.node.get(key) or 0)
            except (TypeError, ValueError):
                continue
            if value:
                return value
        return 0

    def process(self) -> Any:
        mode = self._mode_of(self.node)
        if mode == "manual":
            separator = self.node.get("separator")
            if not isinstance(separator, str) or separator == "":
                separator = DEFAULT_SEPARATOR
            return split_text(self._data(), unescape_separator(separator))
        if mode != "ai":
            raise UserError(f"Unknown splitter mode '{mode}': use 'manual' (a separator) or 'ai'.")
        return self._split_with_ai(self._data())

    def _split_with_ai(self, data: str) -> list[str]:
        system = SYSTEM_PROMPT
        expected = self._expected_outputs()
        if expected > 1:
            system += f"\n\nThe estimated number of outputs for the next message is {expected}."
        settings = self.ctx.settings
        call = self.new_call("OpenAI")
        client = make_client(settings, call.api_key, "OpenAI")
        with self.provider_call(openai_errors(call)):
            response = client.responses.create(model=AI_MODEL, input=[
                {"role": "system", "content": system}, {"role": "user", "content": data}])
        return split_text(response.output_text or "", AI_SEPARATOR)
