"""How a run shows while it goes: a live table on a terminal, a plain line log anywhere else."""

from __future__ import annotations

import json
import time
from typing import Any, Protocol, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from app.cli.tracker import NodeView, RunTracker

STYLES = {"queued": "dim", "waiting": "yellow", "running": "cyan", "succeeded": "green", "failed": "bold red",
          "cancelled": "magenta", "skipped": "dim", "interrupted": "magenta"}
MARKS = {"queued": "·", "waiting": "…", "running": "▶", "succeeded": "✔", "failed": "✘", "cancelled": "■",
         "skipped": "-", "interrupted": "■"}


def one_line(value: Any, width: int, *, tail: bool = False) -> str:
    """A value as one line of at most `width` characters (its end when `tail`)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1):] if tail else text[:width - 1] + "…"


def seconds(value: float | None) -> str:
    return f"{value:.2f}s" if value is not None else ""


class Display(Protocol):
    def start(self, tracker: RunTracker, where: str) -> None: ...
    def changed(self, tracker: RunTracker, node: NodeView | None, change: str) -> None: ...
    def note(self, message: str) -> None: ...
    def finish(self, tracker: RunTracker, results: dict[str, Any]) -> None: ...


class LineLog:
    """One plain line per change of a node's state (no colour, no cursor movement)."""

    def __init__(self, stream: TextIO) -> None:
        self._out = stream
        self._t0 = time.monotonic()

    def _line(self, text: str) -> None:
        print(f"[{time.monotonic() - self._t0:7.2f}s] {text}", file=self._out, flush=True)

    def start(self, tracker: RunTracker, where: str) -> None:
        self._t0 = tracker.started
        self._line(f"run {tracker.run_id} started ({where})")

    def changed(self, tracker: RunTracker, node: NodeView | None, change: str) -> None:
        if node is None or change in ("text", "ended"):
            return
        if change == "succeeded":
            preview = f": {one_line(node.output, 80)}" if node.output is not None else ""
            how = "from the cache" if node.cached else f"in {seconds(node.duration)}"
            self._line(f"{node.name} succeeded {how}{preview}")
        elif change == "failed":
            self._line(f"{node.name} failed: {node.error}")
        elif change == "waiting":
            self._line(f"{node.name} waiting for a provider slot")
        else:
            self._line(f"{node.name} {change}")

    def note(self, message: str) -> None:
        self._line(message)

    def finish(self, tracker: RunTracker, results: dict[str, Any]) -> None:
        self._line(f"run {tracker.run_id} {tracker.status or 'stopped'} in {seconds(tracker.duration)}")
        for name, output in results.items():
            print(f"--- {name}", file=self._out)
            print(output if isinstance(output, str) else json.dumps(output, ensure_ascii=False, default=str),
                  file=self._out, flush=True)


class LiveDisplay:
    """A table redrawn in place: each node's state, its time so far, the tail of its streamed text."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._tracker: RunTracker | None = None
        self._live = Live(get_renderable=self._render, console=console, refresh_per_second=8, transient=False)

    def start(self, tracker: RunTracker, where: str) -> None:
        self._tracker = tracker
        self._console.print(Text(f"run {tracker.run_id} ({where})", style="bold"))
        self._live.start()

    def _render(self) -> Table:
        table = Table(box=None, pad_edge=False, expand=True, show_header=True, header_style="bold")
        table.add_column("", width=1)
        table.add_column("node", no_wrap=True, max_width=40)
        table.add_column("state", no_wrap=True, width=10)
        table.add_column("time", no_wrap=True, justify="right", width=8)
        table.add_column("output", no_wrap=True, ratio=1)
        if self._tracker is None:
            return table
        now = time.monotonic()
        tail_width = max(20, self._console.width - 70)
        for node in list(self._tracker.nodes.values()):
            style = STYLES.get(node.status, "")
            shown = node.error if node.error else node.text
            table.add_row(Text(MARKS.get(node.status, "?"), style=style), Text(node.name),
                          Text(node.status, style=style),
                          Text("cached" if node.cached else seconds(node.elapsed(now))),
                          Text(one_line(shown, tail_width, tail=node.error is None), style="red" if node.error else "dim"))
        return table

    def changed(self, tracker: RunTracker, node: NodeView | None, change: str) -> None:
        if change != "text":
            self._live.refresh()

    def note(self, message: str) -> None:
        self._console.print(Text(message, style="yellow"))

    def finish(self, tracker: RunTracker, results: dict[str, Any]) -> None:
        self._live.refresh()
        self._live.stop()
        style = STYLES.get(tracker.status or "", "")
        parts: list[Any] = []
        for name, output in results.items():
            parts += [Rule(Text(name), align="left", style="dim"),
                      Text(output if isinstance(output, str) else json.dumps(output, indent=2, ensure_ascii=False,
                                                                             default=str))]
        self._console.print(Group(*parts, Text(f"run {tracker.status or 'stopped'} in {seconds(tracker.duration)}",
                                               style=style)))


def make_display(stream: TextIO) -> Display:
    """The live table when `stream` is a terminal, else the line log."""
    if stream.isatty():
        return LiveDisplay(Console(file=stream))
    return LineLog(stream)
