"""`aiflow run`: run a flow file in-process or on a server, show its progress, exit with its outcome."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator, Optional, Protocol

import typer
from pydantic import ValidationError

from app.cli.arguments import leaf_nodes, parse_pairs, read_flow
from app.cli.display import Display, make_display
from app.cli.outcome import FAILED, INTERRUPTED, SUCCEEDED, CliError, guarded
from app.cli.tracker import RunTracker


class Runner(Protocol):
    where: str

    def start(self, flow: list[Any], *, parameters: dict[str, str], inputs: dict[str, str],
              target: str | None, cache: bool) -> str: ...
    def follow(self, after_seq: int) -> Iterator[tuple[int, str, dict[str, Any]]]: ...
    def cancel(self) -> None: ...
    def close(self) -> None: ...


def load_local_settings() -> Any:
    """The Settings of this process (environment and .env), or CliError naming the bad variable."""
    from app.settings import load_settings

    try:
        return load_settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                             for error in exc.errors())
        raise CliError(f"Bad setting in the environment: {problems}") from None


def follow_to_end(runner: Runner, tracker: RunTracker, display: Display) -> None:
    for seq, event, payload in runner.follow(tracker.last_seq):
        change = tracker.apply(seq, event, payload)
        if change is not None:
            name = payload.get("instanceName")
            display.changed(tracker, tracker.nodes.get(name) if isinstance(name, str) else None, change)


def watch(runner: Runner, tracker: RunTracker, display: Display) -> bool:
    """Follow the run to its end; Ctrl-C cancels it and waits for its end. True if the user interrupted."""
    try:
        follow_to_end(runner, tracker, display)
        return False
    except KeyboardInterrupt:
        display.note("Ctrl-C: cancelling the run (Ctrl-C again to leave at once)")
        runner.cancel()
        try:
            follow_to_end(runner, tracker, display)
        except CliError as exc:
            display.note(exc.message)
        return True


@guarded
def run(
    flow_file: Path = typer.Argument(..., metavar="FLOW_FILE", help="A flow as the editor exports it.",
                                     show_default=False),
    inputs: list[str] = typer.Option([], "--input", "-i", metavar="NODE=VALUE",
                                     help="The value of an input node (text, URL or file link); repeatable."),
    params: list[str] = typer.Option([], "--param", "-p", metavar="KEY=VALUE",
                                     help="A run parameter such as openai_api_key; repeatable."),
    env_keys: bool = typer.Option(False, "--env-keys",
                                  help="Send the provider keys found in the environment (OPENAI_API_KEY, ...)."),
    target: Optional[str] = typer.Option(None, "--target", metavar="NODE",
                                         help="Run only this node and the ancestors it needs."),
    server: Optional[str] = typer.Option(None, "--server", metavar="URL",
                                         help="Run on this server (REST API) instead of in this process."),
    token: Optional[str] = typer.Option(None, "--token", envvar="AIFLOW_TOKEN", show_envvar=True,
                                        help="The server's access token."),
    cache: bool = typer.Option(True, "--cache/--no-cache",
                               help="Serve nodes whose inputs did not change from the output cache."),
    as_json: bool = typer.Option(False, "--json", help="Print the finished run (outputs by node) as JSON."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the finished run (outputs by node) as JSON to FILE."),
) -> None:
    """Run a flow file and show each node's progress. Exit code: 0 succeeded, 1 failed, 2 bad input, 130 Ctrl-C."""
    flow = read_flow(flow_file)
    input_values = parse_pairs(inputs, "--input", "NODE")
    parameters = parse_pairs(params, "--param", "KEY", secret=True)
    if env_keys:
        parameters = {**load_local_settings().env_api_keys(), **parameters}
    progress_stream = sys.stderr if as_json else sys.stdout  # stdout holds the JSON alone
    runner = make_runner(server, token)
    try:
        run_id = runner.start(flow, parameters=parameters, inputs=input_values, target=target, cache=cache)
        tracker = RunTracker(run_id)
        display = make_display(progress_stream)
        display.start(tracker, runner.where)
        try:
            interrupted = watch(runner, tracker, display)
        finally:
            shown = {} if as_json else {
                name: tracker.outputs[name] for name in leaf_nodes(flow, target) if name in tracker.outputs}
            display.finish(tracker, shown)
    finally:
        runner.close()
    write_result(tracker.result(), as_json=as_json, output=output)
    if interrupted:
        raise typer.Exit(INTERRUPTED)
    if tracker.status != "succeeded":
        print(f"aiflow: the run {tracker.status or 'stopped'}" + (f": {tracker.error}" if tracker.error else "."),
              file=sys.stderr)
        raise typer.Exit(FAILED)
    raise typer.Exit(SUCCEEDED)


def make_runner(server: str | None, token: str | None) -> Runner:
    if server:
        from app.cli.remote import RemoteRunner

        return RemoteRunner(server, token)
    from app.cli.local import LocalRunner  # the engine loads only for in-process runs

    return LocalRunner(load_local_settings())


def write_result(result: dict[str, Any], *, as_json: bool, output: Path | None) -> None:
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    if output is not None:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CliError(f"Cannot write '{output}': {exc.strerror}.", FAILED) from None
    if as_json:
        print(text, flush=True)
