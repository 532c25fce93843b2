"""Request and response models of the flow library API (camelCase on the wire; in the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.web.api.models import MAX_WAIT_S

FLOW_NAME = Field(min_length=1, max_length=200, description="A name people recognise.")
FLOW_BODY = Field(description="The flow's nodes (a list, as in `jsonFile`), or that list as a JSON string.")


class FlowCreate(BaseModel):
    """A flow to keep on the server (API keys in node fields are dropped)."""

    model_config = ConfigDict(extra="forbid")

    name: str = FLOW_NAME
    flow: list[dict[str, Any]] | str = FLOW_BODY


class FlowUpdate(BaseModel):
    """A new version of the flow (and maybe a new name)."""

    model_config = ConfigDict(extra="forbid")

    flow: list[dict[str, Any]] | str = FLOW_BODY
    name: str | None = Field(None, min_length=1, max_length=200)


class FlowRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = FLOW_NAME


class FlowSummary(BaseModel):
    id: str
    name: str
    createdAt: datetime
    updatedAt: datetime
    latestVersion: int


class FlowInputSpec(BaseModel):
    name: str = Field(description="The input node's name: the key of `inputs` in a run request.")
    type: str = Field(description="The node's processorType.")
    field: str = Field(description="The node field the value replaces.")
    required: bool = Field(description="Blank in the saved flow: a run must give it.")
    default: Any = Field(None, description="The value saved in the flow.")


class FlowOutputSpec(BaseModel):
    name: str
    type: str
    outputType: str | None


class FlowVersion(BaseModel):
    version: int
    createdAt: datetime


class FlowDetail(FlowSummary):
    """One version of a saved flow, what it takes (inputs) and gives (outputs), and its versions."""

    version: int
    flow: Any
    inputs: list[FlowInputSpec]
    outputs: list[FlowOutputSpec] = Field(description="The nodes no other node reads from; any node's output "
                                                       "can be asked for by name.")
    versions: list[FlowVersion]


class FlowList(BaseModel):
    flows: list[FlowSummary]
    nextCursor: str | None


class FlowRunCreate(BaseModel):
    """A run of a saved flow: input values by node name, the outputs wanted, a version (the latest by default)."""

    model_config = ConfigDict(extra="forbid")

    inputs: dict[str, str] | None = Field(None, description="Values for input nodes by node name.")
    outputs: list[str] | None = Field(None, description="Only these nodes' outputs in the answer.")
    version: int | None = Field(None, ge=1, description="Run this version instead of the latest.")
    wait: float = Field(0, ge=0, le=MAX_WAIT_S, description="Seconds to wait for the run to end.")
    parameters: dict[str, Any] | None = Field(None, description="Run parameters such as `openai_api_key`.")
    useCache: bool = Field(True, description="Serve unchanged nodes from the output cache.")


class FlowListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(50, ge=1, le=200, description="Flows per page.")
    cursor: str | None = Field(None, min_length=1, max_length=512, description="`nextCursor` of the previous page.")


class VersionQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int | None = Field(None, ge=1, description="A version other than the latest.")
