"""The REST run API under /api/v1: start, list, read, cancel and delete runs, and follow their events (SSE)."""

from __future__ import annotations


from flask import Blueprint, Response, request
from injector import Inject

from app.engine.flow import FlowError
from app.engine.runs import RunRegistry, RunStart
from app.engine.service import RunService, StartRequest
from app.errors import UserError
from app.runstore.cursors import decode_cursor
from app.settings import Settings
from app.web.api import event_stream, views
from app.web.api.models import CancelResult, EventsQuery, ListQuery, RunAccepted, RunCreate, RunList
from app.web.api.http import api_client, json_response, links_base, parse, read_flow_body
from app.web.api.problems import ApiProblem, bad_field, from_user_error, problem
from app.web.inject import injected

bp = Blueprint("api_runs", __name__, url_prefix="/api/v1")

CLI_AGENT = "aiflow-cli/"
MAX_SEQ = 2**31 - 1


def _not_found(run_id: str) -> ApiProblem:
    return ApiProblem(problem(404, f"No run '{run_id[:128]}': it is not running and not in the run history."))


def _field_of(exc: UserError, req: RunCreate) -> str:
    """Which request field a refused run's error is about."""
    node = exc.nodes[0] if exc.nodes else None
    if req.inputs and node in req.inputs and exc.message.startswith(f"Input '{node}'"):
        return f"inputs.{node}"
    if req.target is not None and exc.nodes == [req.target] and "is not in the flow" in exc.message:
        return "target"
    return "flow"


@bp.post("/runs")
@injected
def start_run(service: Inject[RunService], runs: Inject[RunRegistry], settings: Inject[Settings]) -> Response:
    """Start a run; with `wait`, answer with the outputs if it ends in time."""
    req: RunCreate = parse(RunCreate, read_flow_body(settings), status=422)
    agent = request.headers.get("User-Agent", "")
    how = RunStart(target=req.target, delta_stream=req.streamFormat == "delta", base_url=links_base(settings),
                   started_by="cli" if agent.startswith(CLI_AGENT) else "api", flow_id=req.flowId,
                   use_cache=req.useCache, client=api_client())
    try:
        run = service.start(StartRequest(flow=req.flow, parameters=req.parameters, inputs=req.inputs, how=how))
    except FlowError as exc:
        raise ApiProblem(from_user_error(exc, _field_of(exc, req))) from None
    if req.wait > 0 and run.wait(req.wait):
        return json_response(views.current(run.run_id, runs, run))
    accepted = RunAccepted(id=run.run_id, status="running", links=views.links(run.run_id))
    return json_response(accepted, 201, {"Location": accepted.links.self})


@bp.get("/runs")
@injected
def list_runs(runs: Inject[RunRegistry]) -> Response:
    """Runs, newest first, a page at a time."""
    query: ListQuery = parse(ListQuery, request.args.to_dict(), status=400)
    if query.cursor is not None:
        try:
            decode_cursor(query.cursor)
        except ValueError:
            raise bad_field("cursor", "not a cursor this server made (use nextCursor of a page)") from None
    if runs.history is None:
        return json_response(RunList(runs=[], nextCursor=None))
    page = runs.history.page(cursor=query.cursor, limit=query.limit, status=query.status, flow_id=query.flowId)
    return json_response(RunList(runs=[views.summary(record) for record in page.runs], nextCursor=page.next_cursor))


@bp.get("/runs/<run_id>")
@injected
def get_run(run_id: str, runs: Inject[RunRegistry]) -> Response:
    found = views.current(run_id, runs)
    if found is None:
        raise _not_found(run_id)
    return json_response(found)


@bp.post("/runs/<run_id>/cancel")
@injected
def cancel_run(run_id: str, runs: Inject[RunRegistry]) -> Response:
    """Cancel a live run (202); a run that already ended answers 200 with its status."""
    run = runs.live(run_id)
    if run is not None and not run.finished:
        runs.cancel(None, run_id)
        return json_response(CancelResult(id=run_id, status=views.live_status(run)), 202)  # type: ignore[arg-type]
    found = views.current(run_id, runs, run)
    if found is None:
        raise _not_found(run_id)
    return json_response(CancelResult(id=run_id, status=found.status))


@bp.delete("/runs/<run_id>")
@injected
def delete_run(run_id: str, runs: Inject[RunRegistry]) -> Response:
    run = runs.live(run_id)
    if run is not None and not run.finished:
        raise ApiProblem(problem(409, f"Run '{run_id}' is still going: cancel it first."))
    if runs.history is None or not runs.history.delete(run_id):
        raise _not_found(run_id)
    return Response(status=204)


def _after_seq() -> int:
    """Where the client's stream left off: the Last-Event-ID header (a reconnecting EventSource), else ?after=.
    A seq past any a run can have means "after everything" (the store keeps seqs as 32-bit integers)."""
    header = (request.headers.get("Last-Event-ID") or "").strip()
    if header:
        if not (header.isascii() and header.isdigit()):
            raise bad_field("Last-Event-ID", "must be the seq of an event (a whole number >= 0)")
        return MAX_SEQ if len(header) > 10 else min(int(header), MAX_SEQ)
    query: EventsQuery = parse(EventsQuery, request.args.to_dict(), status=400)
    return min(query.after or 0, MAX_SEQ)


@bp.get("/runs/<run_id>/events")
@injected
def run_events(run_id: str, runs: Inject[RunRegistry], settings: Inject[Settings]) -> Response:
    """The run's events as text/event-stream: the missed ones, then live until run_end."""
    after = _after_seq()
    run = runs.live(run_id)
    if run is not None:
        body = event_stream.follow(run.events.channel, after, max_lag=settings.sse_max_lag,
                                   heartbeat_s=settings.sse_heartbeat_s)
    else:
        stored = runs.history.replay(run_id, after) if runs.history is not None else []
        if not stored and (runs.history is None or runs.history.get(run_id) is None):
            raise _not_found(run_id)
        body = event_stream.replay(stored)
    request.environ["eventlet.minimum_write_chunk_size"] = 0  # eventlet would hold small writes back
    return Response(body, mimetype="text/event-stream", headers=event_stream.headers())
