"""`aiflow serve` and `aiflow worker`: the server as server.py starts it, and a run worker (both patch first)."""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from app.cli.outcome import CliError, guarded
from app.settings import PROJECT_ROOT


@guarded
def serve(host: Optional[str] = typer.Option(None, "--host", help="Address to listen on (HOST)."),
          port: Optional[int] = typer.Option(None, "--port", help="Port to listen on (PORT)."),
          mock: bool = typer.Option(False, "--mock", help="Provider nodes answer with fake outputs (USE_MOCK).")
          ) -> None:
    """Serve the editor and the APIs (the same as python server.py; settings from the environment)."""
    script = PROJECT_ROOT / "server.py"
    if not script.is_file():
        raise CliError(f"server.py is not at {PROJECT_ROOT}: serve from a checkout of the project.")
    env = dict(os.environ)
    for name, value in (("HOST", host), ("PORT", port), ("USE_MOCK", "true" if mock else None)):
        if value is not None:
            env[name] = str(value)
    sys.stdout.flush()
    # A fresh interpreter: server.py must patch for gevent before anything else is imported.
    os.execve(sys.executable, [sys.executable, str(script)], env)


@guarded
def worker(concurrency: Optional[int] = typer.Option(None, "--concurrency", "-c",
                                                     help="Runs at once in this process (WORKER_CONCURRENCY)."),
           ) -> None:
    """Execute runs sent by web processes (EXECUTOR=queue; REDIS_URL and FLASK_SECRET_KEY as theirs)."""
    args = [sys.executable, "-m", "app.cluster.worker"] + (["--concurrency", str(concurrency)] if concurrency else [])
    sys.stdout.flush()
    # A fresh interpreter: the worker patches for gevent before anything else is imported.
    os.execve(sys.executable, args, dict(os.environ))
