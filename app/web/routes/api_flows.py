"""The flow library API under /api/v1/flows: save flows with versions, describe them, run them by id."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from injector import Inject

from app.engine.flow import FlowError, decode_flow
from app.engine.flow_interface import describe
from app.engine.runs import RunRegistry, RunStart
from app.engine.service import RunService, StartRequest
from app.errors import UserError
from app.nodes.registry import ProcessorRegistry
from app.runstore import RunDatabase
from app.runstore.flow_library import FlowLibrary, SavedFlow
from app.settings import Settings
from app.web.api import views
from app.web.api.flow_models import (
    FlowCreate,
    FlowDetail,
    FlowInputSpec,
    FlowList,
    FlowListQuery,
    FlowOutputSpec,
    FlowRename,
    FlowRunCreate,
    FlowSummary,
    FlowUpdate,
    FlowVersion,
    VersionQuery,
)
from app.web.api.http import api_client, json_response, links_base, parse, read_body, read_flow_body
from app.web.api.models import RunAccepted
from app.web.api.problems import ApiProblem, bad_field, from_user_error, problem
from app.web.inject import injected

bp = Blueprint("api_flows", __name__, url_prefix="/api/v1/flows")


def _library(database: RunDatabase) -> FlowLibrary:
    if database.flows is None:
        raise ApiProblem(problem(404, "This server keeps no flow library (RUN_HISTORY is false)."))
    return database.flows


def _not_found(flow_id: str, version: int | None = None) -> ApiProblem:
    what = f"version {version} of flow '{flow_id[:64]}'" if version else f"flow '{flow_id[:64]}'"
    return ApiProblem(problem(404, f"There is no {what}."))


def _nodes(flow: Any, settings: Settings) -> list[Any]:
    try:
        return decode_flow(flow, max_bytes=settings.max_flow_bytes, max_nodes=settings.max_flow_nodes)
    except FlowError as exc:
        raise ApiProblem(from_user_error(exc, "flow")) from None


def _summary(saved: SavedFlow) -> FlowSummary:
    return FlowSummary(id=saved.id, name=saved.name, createdAt=saved.created_at, updatedAt=saved.updated_at,
                       latestVersion=saved.latest_version)


def _detail(saved: SavedFlow, library: FlowLibrary, registry: ProcessorRegistry) -> FlowDetail:
    interface = describe(saved.flow if isinstance(saved.flow, list) else [], registry)
    return FlowDetail(
        **_summary(saved).model_dump(), version=saved.version or saved.latest_version, flow=saved.flow,
        inputs=[FlowInputSpec(name=i.name, type=i.type, field=i.field, required=i.required, default=i.default)
                for i in interface.inputs],
        outputs=[FlowOutputSpec(name=o.name, type=o.type, outputType=o.output_type) for o in interface.outputs],
        versions=[FlowVersion(version=v, createdAt=at) for v, at in library.versions(saved.id)])


@bp.post("")
@injected
def create_flow(database: Inject[RunDatabase], registry: Inject[ProcessorRegistry],
                settings: Inject[Settings]) -> Response:
    library = _library(database)
    req = parse(FlowCreate, read_flow_body(settings), status=422)
    saved = library.create(req.name, _nodes(req.flow, settings))
    return json_response(_detail(saved, library, registry), 201, {"Location": f"{bp.url_prefix}/{saved.id}"})


@bp.get("")
@injected
def list_flows(database: Inject[RunDatabase]) -> Response:
    query = parse(FlowListQuery, request.args.to_dict(), status=400)
    try:
        page = _library(database).page(query.cursor, query.limit)
    except ValueError:
        raise bad_field("cursor", "not a cursor this server made (use nextCursor of a page)") from None
    return json_response(FlowList(flows=[_summary(f) for f in page.flows], nextCursor=page.next_cursor))


@bp.get("/<flow_id>")
@injected
def get_flow(flow_id: str, database: Inject[RunDatabase], registry: Inject[ProcessorRegistry]) -> Response:
    library = _library(database)
    version = parse(VersionQuery, request.args.to_dict(), status=400).version
    saved = library.get(flow_id, version)
    if saved is None:
        raise _not_found(flow_id, version)
    return json_response(_detail(saved, library, registry))


@bp.put("/<flow_id>")
@injected
def save_flow(flow_id: str, database: Inject[RunDatabase], registry: Inject[ProcessorRegistry],
              settings: Inject[Settings]) -> Response:
    library = _library(database)
    req = parse(FlowUpdate, read_flow_body(settings), status=422)
    saved = library.save(flow_id, _nodes(req.flow, settings), req.name)
    if saved is None:
        raise _not_found(flow_id)
    return json_response(_detail(saved, library, registry))


@bp.patch("/<flow_id>")
@injected
def rename_flow(flow_id: str, database: Inject[RunDatabase]) -> Response:
    req = parse(FlowRename, read_body(64 * 1024), status=422)
    saved = _library(database).rename(flow_id, req.name)
    if saved is None:
        raise _not_found(flow_id)
    return json_response(_summary(saved))


@bp.delete("/<flow_id>")
@injected
def delete_flow(flow_id: str, database: Inject[RunDatabase]) -> Response:
    if not _library(database).delete(flow_id):
        raise _not_found(flow_id)
    return Response(status=204)


@bp.post("/<flow_id>/runs")
@injected
def run_flow(flow_id: str, database: Inject[RunDatabase], service: Inject[RunService], runs: Inject[RunRegistry],
             registry: Inject[ProcessorRegistry], settings: Inject[Settings]) -> Response:
    """Run a saved flow by id with input values by node name; answer with the chosen outputs."""
    req = parse(FlowRunCreate, read_flow_body(settings), status=422)
    saved = _library(database).get(flow_id, req.version)
    if saved is None:
        raise _not_found(flow_id, req.version)
    nodes = saved.flow if isinstance(saved.flow, list) else []
    _check_request(req, nodes, registry)
    how = RunStart(base_url=links_base(settings), started_by="api", flow_id=flow_id, use_cache=req.useCache,
                   client=api_client())
    try:
        run = service.start(StartRequest(flow=nodes, parameters=req.parameters, inputs=req.inputs, how=how))
    except UserError as exc:
        node = exc.nodes[0] if exc.nodes else None
        field = f"inputs.{node}" if node and req.inputs and node in req.inputs else "flow"
        raise ApiProblem(from_user_error(exc, field)) from None
    if req.wait > 0 and run.wait(req.wait):
        found = views.current(run.run_id, runs, run)
        if found is not None and req.outputs is not None:
            found.outputs = {name: value for name, value in found.outputs.items() if name in req.outputs}
        return json_response(found)  # type: ignore[arg-type]
    accepted = RunAccepted(id=run.run_id, status="running", links=views.links(run.run_id))
    return json_response(accepted, 201, {"Location": accepted.links.self})


def _check_request(req: FlowRunCreate, nodes: list[Any], registry: ProcessorRegistry) -> None:
    """422 naming an output that is no node of the flow, or a required input left out."""
    names = {node.get("name") for node in nodes if isinstance(node, dict)}
    unknown = [name for name in (req.outputs or []) if name not in names]
    if unknown:
        raise bad_field("outputs", f"the flow has no node '{unknown[0]}'", status=422)
    given = req.inputs or {}
    missing = [spec.name for spec in describe(nodes, registry).inputs if spec.required and spec.name not in given]
    if missing:
        raise bad_field(f"inputs.{missing[0]}", f"input '{missing[0]}' is required", status=422)
