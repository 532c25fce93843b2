"""Socket.IO handlers, thin: parse the payload, hand it to the engine, answer every failure with `error`."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any, Literal

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, emit
from injector import Injector
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.engine.flow import FlowError, parse_flow
from app.engine.runs import RunRegistry
from app.errors import UserError
from app.nodes.registry import ProcessorRegistry
from app.settings import Settings
from app.web.access import UNAUTHORIZED, AccessToken

log = logging.getLogger(__name__)

APP_CONFIG_KEYS = ("S3_BUCKET_NAME", "S3_AWS_ACCESS_KEY_ID", "S3_AWS_SECRET_ACCESS_KEY",
                   "S3_AWS_REGION_NAME", "S3_ENDPOINT_URL", "REPLICATE_API_KEY")


class RunRequest(BaseModel):
    """`process_file` payload (reference §1.1) plus our optional runId and stream format."""

    model_config = ConfigDict(extra="ignore")

    jsonFile: Any = None
    parameters: dict[str, Any] | None = None
    runId: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    streamFormat: Literal["full", "delta"] = "full"


class RunNodeRequest(RunRequest):
    nodeName: str | None = None


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    runId: str | None = None


def api_keys_for(parameters: dict[str, Any] | None, settings: Settings) -> dict[str, str]:
    """Keys sent with the run (blank ones ignored); with USE_ENV_API_KEYS, the server's own take precedence."""
    keys = {name: value.strip() for name, value in (parameters or {}).items()
            if isinstance(name, str) and isinstance(value, str) and value.strip()}
    if settings.use_env_api_keys:
        keys.update(settings.env_api_keys())
    return keys


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
    registry = injector.get(ProcessorRegistry)
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
        admission = None
        try:
            admission = runs.admit(request.sid)  # counted from now: a client cannot pile up flows to parse
            flow = parse_flow(req.jsonFile, registry, max_bytes=settings.max_flow_bytes,
                              max_nodes=settings.max_flow_nodes, mock=settings.use_mock)
            if target is not None and target not in flow.nodes:
                raise FlowError(f"Node '{target}' is not in the flow.", nodes=[target])
            runs.start(flow, sid=request.sid, api_keys=api_keys_for(req.parameters, settings),
                       run_id=req.runId, target=target, delta_stream=req.streamFormat == "delta",
                       base_url=base_urls.get(request.sid), admission=admission)
        except UserError as exc:
            reply_error(exc.message, runId=req.runId, nodeName=target, nodes=exc.nodes or None)
        except Exception:
            log.exception("could not start a run")
            reply_error("The run could not start because of an internal error.", runId=req.runId, nodeName=target)
        finally:
            if admission is not None:
                admission.release()

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        if token is not None and not token.admits_socket(request.environ, auth):
            raise ConnectionRefusedError(UNAUTHORIZED)
        base_urls[request.sid] = request.host_url.rstrip("/")

    @socketio.on("disconnect")
    def on_disconnect(reason: Any = None) -> None:
        base_urls.pop(request.sid, None)
        runs.cancel(request.sid)

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
