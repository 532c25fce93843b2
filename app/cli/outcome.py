"""Exit codes of the aiflow command, the error that ends it with a message, and the guard every command wears."""

from __future__ import annotations

import functools
import logging
import sys
from typing import Any, Callable, TypeVar

import typer

SUCCEEDED = 0
FAILED = 1  # a node failed, the run was cancelled or interrupted, the server could not be reached
BAD_INPUT = 2  # the command line, the flow file or the flow itself (the message names the problem)
INTERRUPTED = 130  # Ctrl-C, which cancels the run

log = logging.getLogger("aiflow")
Command = TypeVar("Command", bound=Callable[..., Any])


class CliError(Exception):
    """A problem the user reads, and the exit code it ends the command with."""

    def __init__(self, message: str, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def guarded(command: Command) -> Command:
    """A CliError prints its message and exits with its code; Ctrl-C exits with 130; anything unexpected
    prints one line (its traceback only with --verbose)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CliError as exc:
            print(f"aiflow: {exc.message}", file=sys.stderr)
            raise typer.Exit(exc.code) from None
        except KeyboardInterrupt:
            raise typer.Exit(INTERRUPTED) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the user gets a sentence, not a traceback
            log.info("unexpected error", exc_info=True)
            print(f"aiflow: unexpected error: {exc} (--verbose shows where)", file=sys.stderr)
            raise typer.Exit(FAILED) from None

    return run  # type: ignore[return-value]
