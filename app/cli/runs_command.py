"""`aiflow runs list|show|events|cancel`: the run history of a server (--server), or the local one."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any, Iterator, Optional, Protocol

import typer
from rich.console import Console

from app.cli.outcome import BAD_INPUT, INTERRUPTED, CliError, guarded
from app.cli.run_command import load_local_settings
from app.cli.views import event_line, print_runs, run_details

runs = typer.Typer(help="Runs in a server's history (--server URL), or in the local one.", no_args_is_help=True)

SERVER = typer.Option(None, "--server", metavar="URL", help="The server; without it, the local run history.")
TOKEN = typer.Option(None, "--token", envvar="AIFLOW_TOKEN", show_envvar=True, help="The server's access token.")
AS_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


class Status(str, Enum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    interrupted = "interrupted"


class Source(Protocol):
    def list_runs(self, *, status: str | None, limit: int, cursor: str | None) -> dict[str, Any]: ...
    def get_run(self, run_id: str) -> dict[str, Any] | None: ...
    def close(self) -> None: ...


def open_source(server: str | None, token: str | None) -> Any:
    if server:
        from app.cli.remote import ApiClient

        return ApiClient(server, token)
    from app.cli.local_history import LocalHistory

    return LocalHistory(load_local_settings())


def console() -> Console:
    """stdout; 160 columns when it is not a terminal (a file or a pipe), so no column is cut short."""
    out = Console(highlight=False)
    return out if out.is_terminal else Console(highlight=False, width=160)


@runs.command("list")
@guarded
def list_runs(server: Optional[str] = SERVER, token: Optional[str] = TOKEN,
              status: Optional[Status] = typer.Option(None, "--status", help="Only runs of this status."),
              limit: int = typer.Option(20, "--limit", min=1, max=200, help="Runs per page."),
              cursor: Optional[str] = typer.Option(None, "--cursor", help="Continue after a previous page."),
              every: bool = typer.Option(False, "--all", help="Every page, not only the first."),
              as_json: bool = AS_JSON) -> None:
    """List runs, newest first."""
    source: Source = open_source(server, token)
    found: list[dict[str, Any]] = []
    try:
        while True:
            page = source.list_runs(status=status.value if status else None, limit=limit, cursor=cursor)
            found += page.get("runs") or []
            cursor = page.get("nextCursor")
            if not every or not cursor:
                break
    finally:
        source.close()
    if as_json:
        print(json.dumps({"runs": found, "nextCursor": cursor}, indent=2, ensure_ascii=False))
        return
    print_runs(console(), found)
    if cursor:
        print(f"more: --cursor {cursor}")


@runs.command("show")
@guarded
def show(run_id: str = typer.Argument(..., metavar="RUN_ID"), server: Optional[str] = SERVER,
         token: Optional[str] = TOKEN, as_json: bool = AS_JSON) -> None:
    """A run with its nodes (status, duration, output or error)."""
    source: Source = open_source(server, token)
    try:
        run = source.get_run(run_id)
    finally:
        source.close()
    if run is None:
        raise CliError(f"No run '{run_id}' in the history.")
    if as_json:
        print(json.dumps(run, indent=2, ensure_ascii=False, default=str))
        return
    out = console()
    out.print(run_details(run, out.width))


def stored_or_live(server: str | None, token: str | None, run_id: str, after: int
                   ) -> Iterator[tuple[int, str, dict[str, Any]]]:
    if server:
        from app.cli.remote import ApiClient

        client = ApiClient(server, token)
        try:
            yield from client.events(run_id, after)
        finally:
            client.close()
        return
    from app.cli.local_history import LocalHistory

    history = LocalHistory(load_local_settings())
    try:
        if history.get_run(run_id) is None:
            raise CliError(f"No run '{run_id}' in the history.")
        yield from history.events(run_id, after)
    finally:
        history.close()


@runs.command("events")
@guarded
def events(run_id: str = typer.Argument(..., metavar="RUN_ID"), server: Optional[str] = SERVER,
           token: Optional[str] = TOKEN,
           after: int = typer.Option(0, "--after", min=0, help="Only the events after this seq."),
           as_json: bool = typer.Option(False, "--json", help="One JSON object per line.")) -> None:
    """A run's events: with --server, followed live until the run ends (SSE); else those stored."""
    try:
        for seq, name, payload in stored_or_live(server, token, run_id, after):
            line = json.dumps({"seq": seq, "event": name, "data": payload}, ensure_ascii=False) if as_json \
                else event_line(seq, name, payload)
            print(line, flush=True)
    except KeyboardInterrupt:
        raise typer.Exit(INTERRUPTED) from None


@runs.command("cancel")
@guarded
def cancel(run_id: str = typer.Argument(..., metavar="RUN_ID"), server: Optional[str] = SERVER,
           token: Optional[str] = TOKEN) -> None:
    """Cancel a run on a server (a run that has ended keeps its status)."""
    if not server:
        raise CliError("Cancelling needs --server: a run in another process is cancelled through its server.",
                       BAD_INPUT)
    from app.cli.remote import ApiClient

    client = ApiClient(server, token)
    try:
        answer = client.cancel_run(run_id)
    finally:
        client.close()
    print(f"run {answer.get('id', run_id)}: {answer.get('status')}", file=sys.stdout)
