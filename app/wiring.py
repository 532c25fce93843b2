"""Injector bindings: settings, storage, node registry, fetcher, run database, runs (whoever assembles the app
binds EventSink: Socket.IO in the server, nothing in a worker, the terminal in the CLI)."""

from __future__ import annotations


from injector import Binder, Module, provider, singleton

from app import concurrency
from app.engine.channel import EventSink
from app.engine.runs import RunRegistry
from app.engine.scheduler import RunServices
from app.engine.service import RunService
from app.net import Fetcher
from app.nodes.registry import ProcessorRegistry
from app.runstore import RunDatabase
from app.settings import Settings
from app.storage.base import Storage


def make_storage(settings: Settings) -> Storage:
    """S3 when S3_* settings are present, else the local folder."""
    if settings.s3_enabled:
        from app.storage.s3 import S3Storage

        return S3Storage(settings)
    from app.storage.local import LocalStorage

    return LocalStorage(settings)


class AppModule(Module):
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def configure(self, binder: Binder) -> None:
        binder.bind(Settings, to=self._settings, scope=singleton)

    @singleton
    @provider
    def registry(self) -> ProcessorRegistry:
        return ProcessorRegistry.discover()

    @singleton
    @provider
    def storage(self, settings: Settings) -> Storage:
        return make_storage(settings)

    @singleton
    @provider
    def fetcher(self, settings: Settings) -> Fetcher:
        return Fetcher(settings)

    @singleton
    @provider
    def services(self, settings: Settings, registry: ProcessorRegistry, storage: Storage,
                 fetcher: Fetcher, database: RunDatabase) -> RunServices:
        return RunServices(settings=settings, registry=registry,
                           slots=concurrency.semaphore(settings.worker_pool_size),
                           storage=storage, fetcher=fetcher, cache=database.cache)

    @singleton
    @provider
    def run_database(self, settings: Settings) -> RunDatabase:
        """The run history and output cache (migrated, cleaned up, recording); empty with RUN_HISTORY=false."""
        return RunDatabase.open(settings, upkeep=settings.executor == "inline")  # workers' runs are not ours

    @singleton
    @provider
    def runs(self, services: RunServices, sink: EventSink, database: RunDatabase) -> RunRegistry:
        return RunRegistry(services, sink, database.history)  # EXECUTOR=queue: app.cluster.assembly.ClusterModule

    @singleton
    @provider
    def run_service(self, runs: RunRegistry, registry: ProcessorRegistry, settings: Settings) -> RunService:
        return RunService(runs, registry, settings)
