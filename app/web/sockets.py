"""Socket.IO handlers, thin: parse the payload, hand it to the engine, answer every failure with `error`."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any, Literal

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, emit
from injector import Injector
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.engine.runs import CAPABILITY_ID_LENGTH, RunRegistry, RunStart
from app.engine.service import RunService, StartRequest
from app.errors import UserError
from app.settings import Settings
from app.web.access import UNAUTHORIZED, AccessToken

log = logging.getLogger(__name__)

APP_CONFIG_KEYS = ("S3_BUCKET_NAME", "S3_AWS_ACCESS_KEY_ID", "S3_AWS_SECRET_ACCESS_KEY",
                   "S3_AWS_REGION_NAME", "S3_ENDPOINT_URL", "REPLICATE_API_KEY")


class RunRequest(BaseModel):
    """`process_file` payload (reference §1.1) plus our optional runId, stream format and flowId."""

    model_config = ConfigDict(extra="ignore")

    jsonFile: Any = None
    parameters: dict[str, Any] | None = None
    runId: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    streamFormat: Literal["full", "delta"] = "full"
    flowId: str | None = Field(None, min_length=1, max_length=128)
    useCache: bool = False  # off for clients of the reference contract; the editor turns it on


class RunNodeRequest(RunRequest):
    nodeName: str | None = None


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    runId: str | None = None


class JoinRequest(BaseModel):
    """`join_run`: follow a run by its id, after the last event seen."""

    model_config = ConfigDict(extra="ignore")

    runId: str = Field(min_length=1, max_length=128)
    afterSeq: int = Field(0, ge=0)


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "payload"
    return f"Invalid request: '{where}' {first['msg'].lower()}."


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def register(socketio: SocketIO, injector: Injector, token: AccessToken | None = None) -> None:
    settings = injector.get(Settings)
    service = injector.get(RunService)
    runs = injector.get(RunRegistry)
    base_urls: dict[str, str] = {}

    def reply_error(message: str, **extra: Any) -> None:
        emit("error", {"error": message, **{k: v for k, v in extra.items() if v is not None}})

    def start(data: Any, request_model: type[RunRequest], target_required: bool) -> None:
        if not isinstance(data, dict):
            reply_error("Invalid request: the payload must be a JSON object.")
            return
        try:
            req = request_model.model_validate(data)
        except ValidationError as exc:
            reply_error(_validation_message(exc), runId=data.get("runId") if isinstance(data.get("runId"), str) else None)
            return
        target = getattr(req, "nodeName", None)
        if target_required and not target:
            reply_error("Invalid input or missing parameters: 'nodeName' is required.", runId=req.runId)
            return
        how = RunStart(sid=request.sid, run_id=req.runId, target=target, delta_stream=req.streamFormat == "delta",
                       base_url=base_urls.get(request.sid), started_by="editor", flow_id=req.flowId,
                       use_cache=req.useCache)
        try:
            service.start(StartRequest(flow=req.jsonFile, parameters=req.parameters, how=how))
        except UserError as exc:
            reply_error(exc.message, runId=req.runId, nodeName=target, nodes=exc.nodes or None)
        except Exception:
            log.exception("could not start a run")
            reply_error("The run could not start because of an internal error.", runId=req.runId, nodeName=target)

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        if token is not None and not token.admits_socket(request.environ, auth):
            raise ConnectionRefusedError(UNAUTHORIZED)
        base_urls[request.sid] = request.host_url.rstrip("/")

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        base_urls.pop(request.sid, None)
        runs.socket_gone(request.sid)

    @socketio.on("process_file")
    def on_process_file(data: Any = None) -> None:
        start(data, RunRequest, target_required=False)

    @socketio.on("run_node")
    def on_run_node(data: Any = None) -> None:
        start(data, RunNodeRequest, target_required=True)

    @socketio.on("cancel_run")
    def on_cancel_run(data: Any = None) -> None:
        try:
            req = CancelRequest.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as exc:
            reply_error(_validation_message(exc))
            return
        runs.cancel(request.sid, req.runId)

    @socketio.on("join_run")
    def on_join_run(data: Any = None) -> dict[str, Any]:
        try:
            req = JoinRequest.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as exc:
            reply_error(_validation_message(exc))
            return {"ok": False, "error": _validation_message(exc)}
        run = runs.join(request.sid, req.runId, req.afterSeq)
        if run is not None:
            return {"ok": True, "status": "running", "lastSeq": run.events.channel.last_seq}
        ended = replay_ended(req.runId, req.afterSeq)
        if ended is not None:
            return {"ok": True, **ended}
        message = f"Run '{req.runId}' is not running and is not in the run history."
        reply_error(message, runId=req.runId)
        return {"ok": False, "error": message}

    def replay_ended(run_id: str, after_seq: int) -> dict[str, Any] | None:
        """A run that already ended: its events after `after_seq` from the history, to this socket."""
        history = runs.history
        if history is None or len(run_id) < CAPABILITY_ID_LENGTH:
            return None
        record = history.get(run_id)
        if record is None:
            return None
        last = after_seq
        for seq, name, payload in history.replay(run_id, after_seq):
            emit(name, payload)
            last = seq
        return {"status": record.status, "lastSeq": last}

    @socketio.on("update_app_config")
    def on_update_app_config(data: Any = None) -> None:
        if not settings.enable_set_app_config_on_ui:
            reply_error("Changing the server's configuration from the editor is disabled "
                        "(ENABLE_SET_APP_CONFIG_ON_UI is not true).")
            return
        if not is_loopback(request.remote_addr):
            reply_error("Only a client on the server's own machine may change its configuration.")
            return
        if not isinstance(data, dict):
            reply_error("Invalid request: the payload must be a JSON object.")
            return
        from app.web.app_config import apply_app_config

        changed = apply_app_config(injector, {k: data.get(k) for k in APP_CONFIG_KEYS})
        emit("app_config_updated", {"updated": changed})

    @socketio.on_error_default
    def on_error(exc: Exception) -> None:
        log.exception("socket handler failed")
        reply_error("The request failed because of an internal error.")
