"""Node configuration models: the JSON shape the editor renders forms from (reference §7.4)."""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict

FieldType = Literal[
    "boolean", "dictionnary", "fileUpload", "imageMaskCreator", "input", "inputInt", "inputNameBar",
    "json", "list", "nonRendered", "numericfield", "option", "select", "slider", "switch",
    "textToDisplay", "textarea", "textfield",
]
Operator = Literal["equals", "exists", "greater than", "in", "less than", "not equals", "not exists", "not in"]
OutputType = Literal["3dUrl", "audioUrl", "fileUrl", "imageBase64", "imageUrl", "markdown", "pdfUrl", "text", "videoUrl"]
SectionType = Literal["image-generation", "input", "models", "tools"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Option(_Model):
    default: bool | None = None
    label: str | None = None
    value: str | None = None


class Condition(_Model):
    field: str
    operator: Operator
    value: Any = None


class ConditionGroup(_Model):
    conditions: list[Condition]
    logic: Literal["AND", "OR"] = "AND"


class Field(_Model):
    """One form field of a node; its value lives at the top level of the node JSON under `name`."""

    name: str
    type: FieldType
    label: str | None = None
    description: str | None = None
    placeholder: str | None = None
    defaultValue: Any = None
    required: bool | None = None
    hasHandle: bool | None = None
    hidden: bool | None = None
    hideIfParent: bool | None = None
    isBinary: bool | None = None
    isChild: bool | None = None
    isLinked: bool | None = None
    allowDecimal: bool | None = None
    associatedField: str | None = None
    canAddChildrenFields: bool | None = None
    withModalEdit: bool | None = None
    condition: Condition | ConditionGroup | None = None
    options: list[Option] | None = None
    min: float | None = None
    max: float | None = None
    step: float | None = None


class NodeConfig(_Model):
    nodeName: str
    processorType: str | None = None
    icon: str | None = None
    section: SectionType | None = None
    helpMessage: str | None = None
    outputType: OutputType | None = None
    fields: list[Field] = []
    inputNames: list[str] | None = None
    hasInputHandle: bool | None = None
    showHandlesNames: bool = False
    isBeta: bool = False
    defaultHideOutput: bool = False
    isDynamicallyGenerated: bool = False


class DiscriminatedNodeConfig(_Model):
    config: NodeConfig
    discriminators: dict[str, Any]


class NodeConfigVariant(_Model):
    nodeName: str
    processorType: str | None = None
    icon: str | None = None
    section: SectionType | None = None
    helpMessage: str | None = None
    inputNames: list[str] | None = None
    hasInputHandle: bool | None = None
    showHandlesNames: bool = False
    isBeta: bool = False
    defaultHideOutput: bool = False
    isDynamicallyGenerated: bool = False
    discriminatorFields: list[str]
    subConfigurations: list[DiscriminatedNodeConfig]


AnyNodeConfig = Union[NodeConfig, NodeConfigVariant]


def options(*values: str | tuple[str, str], default: str | None = None) -> list[Option]:
    """Select options from values or (value, label) pairs; `default` marks one as the default."""
    result = []
    for item in values:
        value, label = item if isinstance(item, tuple) else (item, item)
        result.append(Option(value=value, label=label, default=value == default))
    return result


def select(name: str, values: list[str | tuple[str, str]], default: str | None = None, **extra: Any) -> Field:
    """A select field whose options are `values` (value or (value, label)), with a default."""
    return Field(name=name, type=extra.pop("type", "select"), label=extra.pop("label", name),
                 options=options(*values, default=default), defaultValue=default, **extra)


def when(field: str, operator: Operator, value: Any = None) -> Condition:
    return Condition(field=field, operator=operator, value=value)


def all_of(*conditions: Condition) -> ConditionGroup:
    return ConditionGroup(conditions=list(conditions), logic="AND")


class NodeConfigBuilder:
    """Fluent construction of a NodeConfig, for plugins that assemble fields step by step."""

    def __init__(self, node_name: str, **header: Any) -> None:
        self._header: dict[str, Any] = {"nodeName": node_name, **header}
        self._fields: list[Field] = []

    def add_field(self, field: Field) -> NodeConfigBuilder:
        self._fields.append(field)
        return self

    def set(self, **header: Any) -> NodeConfigBuilder:
        self._header.update(header)
        return self

    def build(self) -> NodeConfig:
        return NodeConfig(**self._header, fields=list(self._fields))


def dump_config(config: AnyNodeConfig) -> dict[str, Any]:
    """Serialise with every key present (unset values as null), as the editor expects."""
    return config.model_dump(mode="json")


def required_field_names(config: NodeConfig) -> list[str]:
    """Fields that must have a value unless an edge feeds them (conditional fields, and fields whose
    default applies when the value is absent, excluded)."""
    return [f.name for f in config.fields
            if f.required and f.condition is None and not f.hidden and f.defaultValue is None]
