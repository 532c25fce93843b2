"""The `aiflow` console script: its commands (run, runs, serve, worker) and its logging."""

from __future__ import annotations

import logging

import typer
from rich.console import Console
from rich.logging import RichHandler

from app.cli.remote import cli_version
from app.cli.run_command import run
from app.cli.runs_command import runs
from app.cli.serve_command import serve, worker

app = typer.Typer(name="aiflow", help="Run AI-Flow flows from the command line, follow and inspect runs, serve.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.command("run")(run)
app.add_typer(runs, name="runs")
app.command("serve")(serve)
app.command("worker")(worker)


class Brief(logging.Formatter):
    """Log messages without tracebacks (--verbose shows them)."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


def show_version(value: bool) -> None:
    if value:
        print(f"aiflow {cli_version()}")
        raise typer.Exit()


@app.callback()
def options(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more, with tracebacks."),
            _version: bool = typer.Option(False, "--version", callback=show_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    handler = RichHandler(console=Console(stderr=True), show_time=False, show_path=False, markup=False)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s") if verbose else Brief())
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True)
    for noisy in ("httpx", "httpx2", "httpcore", "urllib3", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> None:
    app(prog_name="aiflow")
