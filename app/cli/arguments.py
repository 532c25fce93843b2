"""Reading what the command line names: the flow file and KEY=VALUE pairs (errors name the problem)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.cli.outcome import CliError


def read_flow(path: Path) -> list[Any]:
    """The flow file's list of nodes (as the editor exports it); CliError if it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"Flow file '{path}' does not exist.") from None
    except IsADirectoryError:
        raise CliError(f"Flow file '{path}' is a folder, not a file.") from None
    except UnicodeDecodeError:
        raise CliError(f"Flow file '{path}' is not UTF-8 text.") from None
    except OSError as exc:
        raise CliError(f"Flow file '{path}' cannot be read: {exc.strerror}.") from None
    try:
        flow = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"Flow file '{path}' is not valid JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}.") from None
    if not isinstance(flow, list):
        raise CliError(f"Flow file '{path}' must hold a JSON array of nodes (the editor's Export format).")
    return flow


def parse_pairs(items: list[str], option: str, key_name: str, *, secret: bool = False) -> dict[str, str]:
    """`KEY=VALUE` items as a dict (a later KEY wins). A secret item is never echoed in the error."""
    pairs: dict[str, str] = {}
    for position, item in enumerate(items, start=1):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            shown = f"#{position} (value not shown)" if secret else f"'{item}'"
            raise CliError(f"{option} {shown} is not {key_name}=VALUE.")
        pairs[key.strip()] = value
    return pairs


def leaf_nodes(flow: list[Any], target: str | None) -> list[str]:
    """The nodes whose outputs are the run's results: the target, or the nodes no other node takes input from."""
    if target is not None:
        return [target]
    fed = {entry.get("inputNode") for node in flow if isinstance(node, dict)
           for entry in node.get("inputs") or [] if isinstance(entry, dict)}
    return [node["name"] for node in flow
            if isinstance(node, dict) and isinstance(node.get("name"), str) and node["name"] not in fed]
