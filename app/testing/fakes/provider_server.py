"""A local HTTP server that speaks each provider's wire format, records requests and injects faults.

Each provider lives in its own module of this package with an `install(fake)` function that adds
routes under its own prefix (/openai/v1, /anthropic, /replicate, /stability, ...). Run by hand with
app/testing/fakes/serve.py.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

Handler = Callable[[Request, "re.Match[str]"], Response]


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    remote_port: int = 0  # the client's port: one port for many requests means a reused connection

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Fault:
    status: int = 500
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakeProviders:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.closed_streams: list[str] = []  # paths whose stream the client closed before the end
        self.stream_delay: float = 0.0  # seconds between streamed chunks
        self.stream_started = threading.Event()
        #: Send each event stream whole, with a Content-Length (a fast answer; with keep_alive the connection
        #: stays open for the next request, which a chunked answer never allows in waitress or werkzeug).
        self.whole_streams = False
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # ---- configuration by tests ------------------------------------------------------------
    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._routes.append((method.upper(), re.compile(f"^{pattern}$"), handler))
            return handler
        return register

    def fail_next(self, path_prefix: str, status: int = 500, body: Any = None, *, times: int = 1,
                  delay: float = 0.0, headers: dict[str, str] | None = None) -> None:
        """The next `times` requests under `path_prefix` get this error (or, with status 0, only a delay)."""
        with self._lock:
            self._faults.setdefault(path_prefix, []).extend(
                Fault(status, body, delay, headers or {}) for _ in range(times))

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.closed_streams.clear()
            self._faults.clear()
            self.stream_delay = 0.0
            self.stream_started.clear()
            self.whole_streams = False

    def requests_to(self, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if path_part in r.path]

    # ---- helpers for provider modules ------------------------------------------------------
    def sse(self, path: str, events: Iterable[str]) -> Response:
        """A text/event-stream response; notes when the client hangs up before the end."""
        fake = self
        if self.whole_streams:
            return Response("".join(events).encode(), mimetype="text/event-stream",
                            headers={"Cache-Control": "no-cache"})

        def generate() -> Iterator[bytes]:
            finished = False
            try:
                for index, chunk in enumerate(events):
                    if index == 1:
                        fake.stream_started.set()
                    if fake.stream_delay and index:
                        time.sleep(fake.stream_delay)
                    yield chunk.encode()
                finished = True
            finally:
                if not finished:
                    fake.closed_streams.append(path)

        return Response(generate(), mimetype="text/event-stream", headers={"Cache-Control": "no-cache"})

    @staticmethod
    def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json", headers=headers)

    # ---- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data(cache=True)
        recorded = Recorded(method=request.method, path=request.path, headers=dict(request.headers),
                            body=body, query=dict(request.args),
                            remote_port=int(environ.get("REMOTE_PORT") or 0))
        if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            recorded.form = dict(request.form)
            recorded.files = {name: f.read() for name, f in request.files.items()}
        with self._lock:
            self.requests.append(recorded)
            fault = None
            for prefix, faults in self._faults.items():
                if request.path.startswith(prefix) and faults:
                    fault = faults.pop(0)
                    break
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                body_value = fault.body if fault.body is not None else {"error": {"message": "injected fault"}}
                return self.json_response(body_value, fault.status, fault.headers)(environ, start_response)
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                return handler(request, match)(environ, start_response)
        return self.json_response({"error": {"message": f"no fake route for {request.method} {request.path}"}},
                                  404)(environ, start_response)

    def start(self, host: str = "127.0.0.1", port: int = 0, *, keep_alive: bool = False,
              threads: int = 64) -> FakeProviders:
        """Serve in a background thread. werkzeug's server closes every connection after one answer;
        `keep_alive` serves with waitress instead, which keeps connections open as the real APIs do."""
        if keep_alive:
            from waitress.server import create_server

            self._server = create_server(self, host=host, port=port, threads=threads, channel_timeout=120,
                                         connection_limit=2000, backlog=2048, ident="fake-providers")
            self.url = f"http://{host}:{self._server.effective_port}"
            self._thread = threading.Thread(target=self._server.run, daemon=True)
        else:
            self._server = make_server(host, port, self, threaded=True)
            self.url = f"http://{host}:{self._server.server_port}"
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        if hasattr(self._server, "shutdown"):
            self._server.shutdown()
        else:
            self._server.close()

    def base_urls(self) -> dict[str, str]:
        """Environment variables pointing the app's SDKs at this fake."""
        return {
            "OPENAI_BASE_URL": f"{self.url}/openai/v1",
            "DEEPSEEK_BASE_URL": f"{self.url}/deepseek",
            "OPENROUTER_BASE_URL": f"{self.url}/openrouter/api/v1",
            "ANTHROPIC_BASE_URL": f"{self.url}/anthropic",
            "REPLICATE_BASE_URL": f"{self.url}/replicate/v1",
            "STABILITYAI_BASE_URL": f"{self.url}/stability",
        }


def build() -> FakeProviders:
    """A fake with every provider module of this package installed."""
    import app.testing.fakes as package

    fake = FakeProviders()
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name == "provider_server":
            continue
        module = importlib.import_module(f"app.testing.fakes.{module_info.name}")
        install = getattr(module, "install", None)
        if install is not None:
            install(fake)
    return fake
