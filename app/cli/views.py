"""Runs from the history as rich tables and event lines (the same shapes from a server or the local history)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from app.cli.display import STYLES, one_line, seconds


def when(value: str | None) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM:SS' (UTC)."""
    return value.replace("T", " ")[:19] if value else ""


def runs_table(runs: list[dict[str, Any]]) -> Table:
    table = Table(header_style="bold", box=None, pad_edge=False)
    widths = {"id": 32, "status": 11, "started by": 6, "created (UTC)": 19, "duration": 8}
    for column in ("id", "status", "started by", "created (UTC)", "duration", "target", "error"):
        table.add_column(column, no_wrap=True, min_width=widths.get(column))
    for run in runs:
        table.add_row(Text(run.get("id", "")), Text(run.get("status", ""), style=STYLES.get(run.get("status", ""), "")),
                      Text(run.get("startedBy") or ""), Text(when(run.get("createdAt"))),
                      Text(seconds(run.get("duration"))), Text(run.get("target") or ""),
                      Text(one_line(run.get("error") or "", 60), style="red"))
    return table


def run_details(run: dict[str, Any], width: int) -> Group:
    status = run.get("status", "")
    head = Text.assemble(("run ", "bold"), (run.get("id", ""), "bold"), "  ", (status, STYLES.get(status, "")),
                         f"  started by {run.get('startedBy')}  created {when(run.get('createdAt'))}",
                         f"  {seconds(run.get('duration'))}")
    nodes = Table(header_style="bold", box=None, pad_edge=False, expand=True)
    for column in ("node", "status", "duration", "output / error"):
        nodes.add_column(column, no_wrap=True, ratio=1 if column == "output / error" else None)
    for node in run.get("nodes") or []:
        shown = node.get("error") or node.get("output")
        nodes.add_row(Text(node.get("name", "")), Text(node.get("status", ""), style=STYLES.get(node.get("status", ""), "")),
                      Text(seconds(node.get("duration"))),
                      Text(one_line(shown if shown is not None else "", max(20, width - 50)),
                           style="red" if node.get("error") else ""))
    parts: list[Any] = [head]
    if run.get("error"):
        parts.append(Text(f"error: {run['error']}", style="red"))
    return Group(*parts, nodes)


def event_line(seq: int, event: str, payload: dict[str, Any]) -> str:
    """One line per event: seq, name, node, and what it says."""
    node = payload.get("instanceName") or ""
    if event == "run_end":
        said = f"status={payload.get('status')}"
    elif "error" in payload:
        said = f"error: {payload['error']}"
    elif payload.get("isDone"):
        said = f"done in {seconds(payload.get('duration'))}: {one_line(payload.get('output'), 60)}"
    elif "delta" in payload:
        said = f"+{one_line(payload['delta'], 60)!r}"
    elif payload.get("queued"):
        said = "waiting"
    else:
        said = one_line(payload.get("output"), 60) if payload.get("output") is not None else ""
    return f"{seq:>6} {event:<21} {node} {said}".rstrip()


def print_runs(console: Console, runs: list[dict[str, Any]]) -> None:
    console.print(runs_table(runs) if runs else Text("no runs"))
