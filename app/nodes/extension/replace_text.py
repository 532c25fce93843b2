"""replace-text: replaces a text or a regular expression in a text (first or every occurrence)."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import re2

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig
from app.nodes.core.url_input import as_bool
from app.nodes.limits import OutputTooLarge, check_node_output, max_node_output

#: Longest search pattern accepted (RE2 also bounds the compiled program's memory).
MAX_PATTERN_CHARS = 2000
CANCEL_CHECK_EVERY = 10_000  # matches


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
                Field(name="use_regex", type="boolean", defaultValue=False, label="Use Regular Expression",
                      description="RE2 syntax (no backreferences or lookaround in the search); the "
                                  "replacement may use \\1 or \\g<name> for groups."),
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
        regex = as_bool(self.input("use_regex", False))
        case_sensitive = as_bool(self.input("case_sensitivity", True))
        if not regex and case_sensitive:
            matches = text.count(search) if count == 0 else min(1, text.count(search))
            check_node_output(len(text) + matches * max(0, len(replacement) - len(search)), self.ctx.settings)
            return [text.replace(search, replacement, -1 if count == 0 else 1)]
        pattern = compile_pattern(search, regex=regex, case_sensitive=case_sensitive)
        limit = max_node_output(self.ctx.settings)
        result = concurrency.run_blocking(partial(substitute, groups=regex, stop=lambda: self.cancelled),
                                          pattern, replacement, text, count, limit)
        if result is None:
            raise OutputTooLarge(f"The text after replacing would be larger than the limit of "
                                 f"{self.ctx.settings.max_node_output_mb:g} MB (MAX_NODE_OUTPUT_MB).")
        return [result]


def compile_pattern(search: str, *, regex: bool, case_sensitive: bool) -> Any:
    """The search text as an RE2 pattern (linear time whatever the input); a UserError naming the field
    when it is too long or not a pattern RE2 accepts."""
    if len(search) > MAX_PATTERN_CHARS:
        raise UserError(f"The search text in 'search_text' is too long ({len(search)} characters; "
                        f"the limit is {MAX_PATTERN_CHARS}).")
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = case_sensitive
    options.literal = not regex
    try:
        return re2.compile(search, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise UserError(f"Invalid regular expression '{search}' in 'search_text': {reason} (RE2 syntax: "
                        "backreferences and lookaround are not supported).") from None


def substitute(pattern: Any, replacement: str, text: str, count: int, limit: int, *, groups: bool,
               stop: Callable[[], bool] = lambda: False) -> str | None:
    """Replace the matches (the first `count`, 0: all) as Python's re.sub would; with `groups`, \\1 and
    \\g<name> in `replacement` refer to the match's groups. None, stopping early, when the result would
    be longer than `limit` characters; stops early too (result unused) once `stop()` is true."""
    pieces: list[str] = []
    end = size = replaced = 0
    previous = None
    try:
        for match in pattern.finditer(text):
            span = match.span()
            if span == previous and span[0] == span[1]:
                continue  # the RE2 wrapper can report an empty match twice at the same place
            previous = span
            piece = match.expand(replacement) if groups else replacement
            size += span[0] - end + len(piece)
            if size + len(text) - span[1] > limit:
                return None
            pieces += (text[end:span[0]], piece)
            end = span[1]
            replaced += 1
            if replaced == count or (replaced % CANCEL_CHECK_EVERY == 0 and stop()):
                break
    except (IndexError, UnicodeDecodeError, re2.error) as exc:
        raise UserError(f"Invalid replacement text '{replacement}' in 'replacement_text' for a regular "
                        f"expression: {exc}.") from None
    pieces.append(text[end:])
    return "".join(pieces)
