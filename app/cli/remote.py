"""A client of a server's run API (/api/v1): start, follow over SSE (resumed after a drop), read, cancel."""

from __future__ import annotations

import json
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Iterator

import httpx
from httpx_sse import connect_sse

from app.cli.outcome import BAD_INPUT, FAILED, CliError

Event = tuple[int, str, dict[str, Any]]
RESUME_TRIES = 6  # reconnections in a row that bring no new event before giving up


def cli_version() -> str:
    try:
        return version("aiflow-next")
    except PackageNotFoundError:
        return "0"


def problem_message(response: httpx.Response) -> str:
    """The server's problem+json (detail, fields, nodes) as one sentence; the status line otherwise."""
    try:
        problem = response.json()
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        return f"the server answered {response.status_code} {response.reason_phrase}"
    message = str(problem.get("detail") or problem.get("title") or problem.get("error")
                  or f"HTTP {response.status_code}")
    fields = [f"{item.get('field')}: {item.get('message')}" for item in problem.get("errors") or []
              if isinstance(item, dict)]
    if fields:
        message += " (" + "; ".join(fields) + ")"
    return message


def error_of(response: httpx.Response) -> CliError:
    message = problem_message(response)
    if response.status_code in (401, 403):
        return CliError(f"{message} Pass the server's access token with --token or AIFLOW_TOKEN.", BAD_INPUT)
    if response.status_code in (400, 404, 405, 409, 413, 415, 422):
        return CliError(message, BAD_INPUT)
    return CliError(f"The server could not do it: {message}", FAILED)


class ApiClient:
    """One connection pool to the server; every request carries the CLI's User-Agent and the token, if any."""

    def __init__(self, server: str, token: str | None, *, resume_backoff: float = 0.25) -> None:
        if not server.startswith(("http://", "https://")):
            raise CliError(f"--server '{server}' is not an http:// or https:// URL.")
        self.server = server.rstrip("/")
        self._backoff = resume_backoff  # seconds before the first reconnection; doubles up to 5 s
        headers = {"User-Agent": f"aiflow-cli/{cli_version()}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(base_url=self.server + "/api/v1", headers=headers,
                                  timeout=httpx.Timeout(30.0, read=60.0))  # heartbeats come every 15 s

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise CliError(f"Cannot reach the server at {self.server}: {exc}", FAILED) from None
        if response.status_code in (404, 405) and path == "/runs":
            raise CliError(f"{self.server} has no run API (/api/v1/runs): a server of an older version?")
        if response.status_code >= 400:
            raise error_of(response)
        return response.json() if response.content else None

    def start_run(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/runs", json=body)  # type: ignore[no-any-return]

    def get_run(self, run_id: str) -> dict[str, Any]:
        return self._call("GET", f"/runs/{run_id}")  # type: ignore[no-any-return]

    def list_runs(self, *, status: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
        params = {key: value for key, value in (("status", status), ("limit", limit), ("cursor", cursor))
                  if value is not None}
        return self._call("GET", "/runs", params=params)  # type: ignore[no-any-return]

    def cancel_run(self, run_id: str) -> dict[str, Any]:
        return self._call("POST", f"/runs/{run_id}/cancel")  # type: ignore[no-any-return]

    def _stream(self, run_id: str, after_seq: int) -> Iterator[Event]:
        headers = {"Last-Event-ID": str(after_seq)} if after_seq else {}
        with connect_sse(self._http, "GET", f"/runs/{run_id}/events", headers=headers) as source:
            if source.response.status_code >= 400:
                source.response.read()
                raise error_of(source.response)
            for sse in source.iter_sse():
                if not sse.data:
                    continue
                payload = json.loads(sse.data)
                seq = int(sse.id) if sse.id.isdigit() else int(payload.get("seq", 0))
                yield seq, sse.event, payload

    def events(self, run_id: str, after_seq: int = 0) -> Iterator[Event]:
        """The run's events after `after_seq` until run_end; a dropped stream resumes with Last-Event-ID."""
        misses = 0
        while True:
            try:
                for seq, name, payload in self._stream(run_id, after_seq):
                    if seq <= after_seq:
                        continue
                    misses, after_seq = 0, seq
                    yield seq, name, payload
                    if name == "run_end":
                        return
                problem = "the stream ended before the run did"
            except (httpx.TransportError, ValueError) as exc:
                problem = str(exc) or "the connection dropped"
            except CliError as exc:
                if exc.code != FAILED:  # 4xx: retrying will not help
                    raise
                problem = exc.message
            misses += 1
            if misses > RESUME_TRIES:
                raise CliError(f"Lost the events of run {run_id}: {problem}", FAILED)
            time.sleep(min(self._backoff * 2 ** (misses - 1), 5.0))

    def close(self) -> None:
        self._http.close()


class RemoteRunner:
    """The same interface as LocalRunner, through a server's REST API."""

    def __init__(self, server: str, token: str | None) -> None:
        self.client = ApiClient(server, token)
        self.where = f"on {self.client.server}"
        self.run_id = ""

    def start(self, flow: list[Any], *, parameters: dict[str, str], inputs: dict[str, str],
              target: str | None, cache: bool) -> str:
        body: dict[str, Any] = {"flow": flow, "parameters": parameters, "inputs": inputs, "streamFormat": "delta",
                                "useCache": cache}
        if target is not None:
            body["target"] = target
        self.run_id = str(self.client.start_run(body)["id"])
        return self.run_id

    def follow(self, after_seq: int) -> Iterator[Event]:
        return self.client.events(self.run_id, after_seq)

    def cancel(self) -> None:
        if self.run_id:
            self.client.cancel_run(self.run_id)

    def close(self) -> None:
        self.client.close()
