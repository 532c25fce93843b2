"""Node-type discovery, once at start-up: processorType -> Processor class."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from typing import Any, Iterable

from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import dump_config

log = logging.getLogger(__name__)

PLUGIN_PACKAGES = ("app.nodes.core", "app.nodes.extension")


class ProcessorRegistry:
    def __init__(self, classes: Iterable[type[Processor]] = ()) -> None:
        self._classes: dict[str, type[Processor]] = {}
        for cls in classes:
            self.register(cls)

    def register(self, cls: type[Processor]) -> None:
        existing = self._classes.get(cls.processor_type)
        if existing is not None and existing is not cls:
            raise RuntimeError(f"processorType '{cls.processor_type}' is defined twice: "
                               f"{existing.__module__} and {cls.__module__}")
        self._classes[cls.processor_type] = cls

    @classmethod
    def discover(cls, packages: Iterable[str] = PLUGIN_PACKAGES) -> ProcessorRegistry:
        registry = cls()
        for package_name in packages:
            package = importlib.import_module(package_name)
            for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
                module = importlib.import_module(f"{package_name}.{module_info.name}")
                for _, member in inspect.getmembers(module, inspect.isclass):
                    if (issubclass(member, Processor) and member.__module__ == module.__name__
                            and "processor_type" in member.__dict__):
                        registry.register(member)
        return registry

    def has(self, processor_type: str) -> bool:
        return processor_type in self._classes

    def get(self, processor_type: str) -> type[Processor]:
        try:
            return self._classes[processor_type]
        except KeyError:
            raise UserError(f"Processor type '{processor_type}' not supported", status=404) from None

    def types(self) -> list[str]:
        return list(self._classes)

    def configs(self, *, extensions_only: bool = False, whitelist: list[str] | None = None,
                blacklist: list[str] | None = None) -> list[dict[str, Any]]:
        """Serialised node configs (processorType filled in), filtered like the reference's catalogue."""
        result = []
        for processor_type, cls in self._classes.items():
            if extensions_only and not cls.is_extension:
                continue
            if whitelist and processor_type not in whitelist:
                continue
            if blacklist and processor_type in blacklist:
                continue
            try:
                config = cls.node_config()
            except Exception:  # one broken node must not hide the others
                log.exception("node config of %s failed", processor_type)
                continue
            if config is None:
                continue
            data = dump_config(config)
            data["processorType"] = processor_type
            result.append(data)
        return result

    def dynamic_config(self, processor_type: str, data: dict[str, Any]) -> dict[str, Any]:
        config = self.get(processor_type).dynamic_node_config(data)
        dumped = dump_config(config)
        dumped["processorType"] = processor_type
        return dumped
