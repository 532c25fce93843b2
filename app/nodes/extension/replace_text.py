"""replace-text: replaces a text or a regular expression in a text (first or every occurrence)."""

from __future__ import annotations

import re
from typing import Any

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig
from app.nodes.core.url_input import as_bool


class ReplaceTextProcessor(Processor):
    processor_type = "replace-text"
    is_extension = True

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="ReplaceText", icon="MdSwapHoriz", section="tools", outputType="text",
            helpMessage="replaceTextNodeHelp", showHandlesNames=True,
            fields=[
                Field(name="input_text", type="textarea", required=True, hasHandle=True),
                Field(name="search_text", type="textfield", required=True, hasHandle=True),
                Field(name="replacement_text", type="textfield", required=True, hasHandle=True),
                Field(name="replace_all", type="boolean", defaultValue=True, label="Replace All Occurrences"),
                Field(name="case_sensitivity", type="boolean", defaultValue=True, label="Case Sensitive"),
                Field(name="use_regex", type="boolean", defaultValue=False, label="Use Regular Expression"),
            ],
        )

    @classmethod
    def required_fields(cls, node: Any) -> list[str]:
        # The editor marks all three texts required, but an empty input or replacement is a valid run
        # (deleting matches); only the search text must be given.
        return ["search_text"]

    def process(self) -> Any:
        text = self.text_input("input_text", "") or ""
        search = self.text_input("search_text", "") or ""
        replacement = self.text_input("replacement_text", "") or ""
        if not search:
            raise UserError("Nothing to search for: 'search_text' is empty.")
        count = 0 if as_bool(self.input("replace_all", True)) else 1
        flags = 0 if as_bool(self.input("case_sensitivity", True)) else re.IGNORECASE
        if as_bool(self.input("use_regex", False)):
            try:
                pattern = re.compile(search, flags)
            except re.error as exc:
                raise UserError(f"Invalid regular expression '{search}': {exc}.") from None
            result = concurrency.run_blocking(_substitute, pattern, replacement, text, count)
        elif flags:
            literal = re.compile(re.escape(search), flags)
            result = literal.sub(lambda _match: replacement, text, count=count)
        else:
            result = text.replace(search, replacement, -1 if count == 0 else 1)
        return [result]


def _substitute(pattern: re.Pattern[str], replacement: str, text: str, count: int) -> str:
    try:
        return pattern.sub(replacement, text, count=count)
    except (re.error, IndexError) as exc:
        raise UserError(f"Invalid replacement text '{replacement}' for a regular expression: {exc}.") from None
