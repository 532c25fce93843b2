"""Start the server in mock mode on a free port; asyncio Socket.IO clients time runs from emit to run_end."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import socketio

from app.testing.server_process import ServerProcess


class Server(ServerProcess):
    """`python server.py` with USE_MOCK=true in the given ASYNC_MODE, storage in a temporary folder."""

    def __init__(self, mode: str, **env: str) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="aiflow-bench-")
        super().__init__({"ASYNC_MODE": mode, "USE_MOCK": "true", "FLASK_SECRET_KEY": "bench",
                          "LOG_LEVEL": "WARNING", "PROVIDER_WARM_UP": "true", **env}, Path(self._dir.name))

    def stop(self) -> None:
        super().stop()
        self._dir.cleanup()


class Client:
    """One python-socketio AsyncClient over websocket (one asyncio loop drives every client: a
    thread per client would cost the shared 2 cores more than the server itself)."""

    def __init__(self) -> None:
        self._pending: dict[str, asyncio.Future[str]] = {}
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("run_end", self._on_end)
        self.sio.on("error", self._on_error)

    async def connect(self, url: str) -> Client:
        await self.sio.connect(url, transports=["websocket"], wait_timeout=30)
        return self

    async def _on_end(self, data: dict[str, Any]) -> None:
        self._finish(data.get("runId"), data.get("status", "?"))

    async def _on_error(self, data: dict[str, Any]) -> None:
        if "instanceName" not in data:  # a rejected request: there will be no run_end
            self._finish(data.get("runId"), "rejected")

    def _finish(self, run_id: str | None, status: str) -> None:
        future = self._pending.get(run_id or "")
        if future is not None and not future.done():
            future.set_result(status)

    async def run(self, flow: list[dict[str, Any]], timeout: float = 60, parameters: dict[str, str] | None = None,
                  **extra: Any) -> tuple[float, str]:
        """(seconds from emit to run_end, status); status 'timeout' if it never ended."""
        run_id = uuid.uuid4().hex
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending[run_id] = future
        payload = {"jsonFile": json.dumps(flow), "parameters": parameters or {}, "runId": run_id, **extra}
        started = time.perf_counter()
        await self.sio.emit("process_file", payload)
        try:
            status = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            status = "timeout"
        finally:
            self._pending.pop(run_id, None)
        return time.perf_counter() - started, status

    async def close(self) -> None:
        try:
            await self.sio.disconnect()
        except Exception:
            pass


def node(name: str, processor_type: str, parent: str | None = None, **values: Any) -> dict[str, Any]:
    inputs = [{"inputNode": parent, "inputNodeOutputKey": 0}] if parent else []
    return {"name": name, "processorType": processor_type, "inputs": inputs, **values}


def write_doc_section(doc: Path, heading: str, text: str) -> None:
    """Replace the section under `heading` of a Markdown file (other sections belong to other benchmarks)."""
    existing = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n"
    start = existing.find(heading + "\n")
    if start == -1:
        updated = existing.rstrip("\n") + "\n\n" + text
    else:
        end = existing.find("\n## ", start + len(heading))
        updated = existing[:start] + text.rstrip("\n") + "\n" + (existing[end:] if end != -1 else "")
    doc.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")
