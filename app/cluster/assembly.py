"""Putting a web process's cluster side together (EXECUTOR=queue): checks, the registry, the sweeper."""

from __future__ import annotations

import ipaddress
from typing import Any

from injector import Module, provider, singleton

from app.cluster import tasks
from app.cluster.bus import RedisBus
from app.cluster.registry import ClusterRegistry
from app.cluster.sweeper import LostWorkerSweeper
from app.engine.channel import EventSink
from app.engine.runs import RunRegistry
from app.engine.scheduler import RunServices
from app.errors import ConfigError
from app.runstore import RunDatabase
from app.settings import Settings


class ClusterConfigError(ConfigError):
    """The settings cannot make a working cluster; the message says what to set."""


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check(settings: Settings) -> str:
    """The secret shared by every process; ClusterConfigError when something a cluster needs is missing."""
    if not settings.redis_url:
        raise ClusterConfigError("EXECUTOR=queue needs REDIS_URL (the broker, the run event streams, the cancels).")
    secret, generated = settings.secret_key()
    if generated:
        raise ClusterConfigError("EXECUTOR=queue needs FLASK_SECRET_KEY, the same in every web process and worker "
                                 "(run parameters are sealed with it on their way to the workers).")
    if not _loopback(settings.host) and not settings.auth_token:
        raise ClusterConfigError(
            "EXECUTOR=queue off loopback needs AUTH_TOKEN, the same in every web process: a generated token differs "
            "per process, so a client sent to another replica would be refused.")
    if not settings.s3_enabled and not settings.local_storage_shared:
        raise ClusterConfigError(
            "EXECUTOR=queue with local file storage: workers and web processes would each see only their own "
            "files. Configure S3 (S3_BUCKET_NAME, ...; MinIO works), or mount one folder in every process and "
            "set LOCAL_STORAGE_SHARED=true.")
    return secret


def cluster_registry(settings: Settings, services: RunServices, sink: EventSink, history: Any) -> ClusterRegistry:
    secret = check(settings)
    bus = RedisBus(settings.redis_url or "", settings.run_stream_ttl_s)
    LostWorkerSweeper(bus, history).start()
    return ClusterRegistry(services, sink, history, bus, tasks.configure(settings), secret)


class ClusterModule(Module):
    """Injector bindings of a web process with EXECUTOR=queue (given to create_app after AppModule)."""

    @singleton
    @provider
    def runs(self, services: RunServices, sink: EventSink, database: RunDatabase) -> RunRegistry:
        return cluster_registry(services.settings, services, sink, database.history)
