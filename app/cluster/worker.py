"""`aiflow worker` / `python -m app.cluster.worker`: a Celery worker (gevent pool) that executes whole runs."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aiflow worker", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=None,
                        help="runs at once in this process (WORKER_CONCURRENCY, default 50)")
    args = parser.parse_args(argv)

    from app import concurrency

    concurrency.patch("gevent")  # before anything else is imported

    import logging

    from injector import Injector

    from app.cluster import tasks
    from app.cluster.worker_runtime import WorkerBindings, WorkerRuntime
    from app.settings import load_settings
    from app.wiring import AppModule

    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    secret, generated = settings.secret_key()
    if not settings.redis_url or generated:
        print("aiflow worker needs REDIS_URL and the FLASK_SECRET_KEY every web process uses.", file=sys.stderr)
        return 2
    injector = Injector([AppModule(settings), WorkerBindings()])
    tasks.configure(settings)
    tasks.executor = WorkerRuntime(settings, injector, secret).start()
    concurrency_n = args.concurrency or settings.worker_concurrency
    tasks.celery.worker_main(["worker", "--pool", "gevent", "--concurrency", str(concurrency_n), "--without-gossip",
                              "--without-mingle", "--loglevel", settings.log_level,
                              "--hostname", f"aiflow-{os.getpid()}@%h"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
