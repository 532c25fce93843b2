"""A node as flow JSON describes it (name, type, inputs, field values): what the engine runs and a node reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator


class Edge(BaseModel):
    """One incoming connection: which node feeds us, which element of its output, into which field."""

    model_config = ConfigDict(extra="ignore")

    inputNode: str
    inputNodeOutputKey: int | None = None
    inputName: str | None = None

    @field_validator("inputNodeOutputKey", mode="before")
    @classmethod
    def _key_from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return int(value) if value.strip().lstrip("-").isdigit() else None
        return value


class Node(BaseModel):
    """A node of the flow; field values live at the top level next to the structural keys."""

    model_config = ConfigDict(extra="allow")

    name: str
    processorType: str
    inputs: list[Edge] = []
    outputData: Any = None
    config: dict[str, Any] | None = None

    @field_validator("name", "processorType")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("inputs", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    def get(self, key: str, default: Any = None) -> Any:
        """A field value (top-level key) or `default` when the key is absent."""
        extra = self.model_extra or {}
        if key in extra:
            return extra[key]
        if key in type(self).model_fields:
            return getattr(self, key)
        return default

    def has(self, key: str) -> bool:
        return key in (self.model_extra or {})

    @property
    def config_field_names(self) -> list[str]:
        fields = (self.config or {}).get("fields") or []
        return [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]

    @property
    def config_input_names(self) -> list[str]:
        names = (self.config or {}).get("inputNames") or []
        return [n for n in names if isinstance(n, str)]

    def reusable_output(self) -> list[Any] | None:
        """The output of an earlier run kept in the flow (`outputData`), as an output list."""
        data = self.outputData
        if data is None or data == [] or data == "":
            return None
        return data if isinstance(data, list) else [data]
