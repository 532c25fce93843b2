"""The Celery application: the broker is Redis; one task, a whole run. Web processes send it, workers run it."""

from __future__ import annotations

from typing import Any

from celery import Celery

from app.settings import Settings

celery = Celery("aiflow")
#: Set by the worker process at start (app/cluster/worker.py): what executes a run there.
executor: Any = None


def configure(settings: Settings) -> Celery:
    """Broker on REDIS_URL; a run is acknowledged when a worker takes it, so a lost worker's run is never run
    again behind the user's back (provider calls cost money); one message at a time per free slot."""
    celery.conf.update(
        broker_url=settings.redis_url, task_acks_late=False, worker_prefetch_multiplier=1,
        task_serializer="json", accept_content=["json"], task_ignore_result=True,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_send_task_events=False, task_send_sent_event=False)
    return celery


@celery.task(name="aiflow.execute_run")
def execute_run(run_id: str, items: list[Any], sealed: str, how: dict[str, Any]) -> None:
    executor.execute(run_id, items, sealed, how)
