"""The fetch helper (app/net.py) over real sockets: wall-clock deadline, DNS pinning, size limits and the
download budget, plain-word errors, TCP_NODELAY."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from app.errors import UserError
from app.net import Fetcher
from app.net_body import Budget
from app.net_conn import Deadline, pinned_pool
from app.nodes.base import NodeContext
from app.nodes.registry import ProcessorRegistry
from app.nodes.spec import Node
from app.settings import Settings
from app.testing.fakes import web_content as fx
from app.testing.fakes.provider_server import FakeProviders

REGISTRY = ProcessorRegistry.discover()
# Traffic stays on loopback: 127.0.0.2 plays a public address (nothing listens there), 127.0.0.1 the private one.
PUBLIC = "127.0.0.2"


def public_for_test(address: str) -> bool:
    return address == PUBLIC


@pytest.fixture(scope="module")
def web() -> Iterator[FakeProviders]:
    server = fx.content_server().start()
    yield server
    server.stop()


def run(node: dict[str, Any], settings: Settings, fetcher: Fetcher | None = None) -> Any:
    parsed = Node.model_validate({"inputs": [], **node})
    ctx = NodeContext(node=parsed, settings=settings, api_keys={}, output_of=lambda name: None,
                      stream=lambda text: None, cancelled=threading.Event(), fetcher=fetcher or Fetcher(settings),
                      run_id="unit")
    return REGISTRY.get(parsed.processorType)(ctx).process()


def fails(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(UserError) as caught:
        fn(*args, **kwargs)
    return caught.value.message


# ---- 1. wall-clock deadline --------------------------------------------------------------------
@pytest.mark.parametrize("part", ["body", "headers"])
def test_a_dripping_server_is_cut_at_the_total_deadline(part: str) -> None:
    drip = fx.DripServer(part=part, interval=0.2)
    try:
        settings = Settings(allow_private_urls=True, fetch_timeout_s=2.0)
        url = drip.url + "/slow.txt"
        started = time.monotonic()
        message = fails(run, {"name": "h", "processorType": "http-get-processor", "url": url}, settings)
        elapsed = time.monotonic() - started
    finally:
        drip.stop()
    assert message == f"Fetching '{url}' timed out after 2 s."
    assert elapsed < 3.0, f"the node took {elapsed:.1f} s against a 2 s deadline"


# ---- 2. DNS pinning ----------------------------------------------------------------------------
class RebindingResolver:
    """A resolver that answers `first` on the first lookup and `later` on every other one."""

    def __init__(self, first: list[str], later: list[str]) -> None:
        self.first, self.later, self.calls = first, later, 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return self.first if self.calls == 1 else self.later


def test_a_rebinding_dns_answer_cannot_reach_a_private_address(web: FakeProviders,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The system resolver answers an allowed address to the check and 127.0.0.1 afterwards: the connection
    must go to the checked (allowed, here unreachable) address, never to the fake server on 127.0.0.1."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = PUBLIC if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    strict = Settings(allow_private_urls=False)
    port = web.url.rsplit(":", 1)[1]
    before = len(web.requests)
    with pytest.raises(UserError):
        Fetcher(strict, address_allowed=public_for_test).get(f"http://rebind.test:{port}/page.html", timeout=1.0)
    assert len(web.requests) == before, "the request reached 127.0.0.1 through a second DNS lookup"
    assert lookups == ["rebind.test"]


def test_the_connection_goes_to_the_checked_address_with_the_original_host(web: FakeProviders) -> None:
    port = int(web.url.rsplit(":", 1)[1])
    resolver = RebindingResolver(["127.0.0.1"], ["127.0.0.2"])  # nothing listens on 127.0.0.2
    fetcher = Fetcher(Settings(allow_private_urls=True), resolver=resolver)
    with fetcher.get(f"http://rebind.test:{port}/echo-headers") as result:
        assert result.status == 200
        assert '"Host": "rebind.test:%d"' % port in result.text()
    assert resolver.calls == 1


def test_every_address_is_checked_and_every_redirect_hop_resolved_again(web: FakeProviders) -> None:
    strict = Fetcher(Settings(allow_private_urls=False), resolver=lambda host, port: [PUBLIC, "127.0.0.1"],
                     address_allowed=public_for_test)
    assert fails(strict.get, "http://mixed.test/").startswith("Refusing to fetch 'http://mixed.test/'")
    hosts: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        hosts.append(host)
        return ["127.0.0.1"]

    port = int(web.url.rsplit(":", 1)[1])
    fetcher = Fetcher(Settings(allow_private_urls=True), resolver=resolver)
    with fetcher.get(f"http://first.test:{port}/redirect") as result:
        assert result.status == 200 and "Green threads" in result.text()
    assert hosts == ["first.test", "first.test"]  # the hop to /page.html was resolved and checked again


class EchoHost(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = f"host={self.headers['Host']} sni={getattr(self.connection, 'sni', None)}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def https_server() -> Iterator[tuple[trustme.CA, int]]:
    """An HTTPS server on 127.0.0.1 whose certificate (from a test CA) names only 'secure.test'."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("secure.test").configure_cert(context)

    def remember_sni(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        sock.sni = name  # type: ignore[attr-defined]

    context.sni_callback = remember_sni  # type: ignore[assignment]
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHost)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield ca, server.server_address[1]
    server.shutdown()
    server.server_close()


def test_https_connects_to_the_checked_address_and_verifies_the_original_name(
        https_server: tuple[trustme.CA, int], tmp_path: Path) -> None:
    ca, port = https_server
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    settings = Settings(allow_private_urls=True, fetch_timeout_s=5.0)
    resolver = RebindingResolver(["127.0.0.1"], ["127.0.0.2"])
    fetcher = Fetcher(settings, resolver=resolver, ca_certs=str(ca_file))
    with fetcher.get(f"https://secure.test:{port}/") as result:
        assert result.text() == f"host=secure.test:{port} sni=secure.test"
    assert resolver.calls == 1
    wrong_name = Fetcher(settings, resolver=lambda host, port: ["127.0.0.1"], ca_certs=str(ca_file))
    assert fails(wrong_name.get, f"https://other.test:{port}/") == \
        f"Could not fetch 'https://other.test:{port}/': the TLS certificate could not be verified."
    untrusted = Fetcher(settings, resolver=lambda host, port: ["127.0.0.1"])  # the usual CA bundle
    assert fails(untrusted.get, f"https://secure.test:{port}/") == \
        f"Could not fetch 'https://secure.test:{port}/': the TLS certificate could not be verified."


# ---- 3. limits, budget, spooling --------------------------------------------------------------
def test_documents_over_the_document_limit_fail_clearly_and_under_it_succeed(web: FakeProviders) -> None:
    settings = Settings(allow_private_urls=True, fetch_timeout_s=30.0, document_max_mb=50)
    messages: list[str] = []

    def download(url: str) -> None:
        messages.append(fails(run, {"name": "d", "processorType": "document-to-text-processor",
                                    "document_url": url}, settings))

    urls = [web.url + "/big?mb=60", web.url + "/big-stream?mb=60&type=text/plain",
            web.url + "/big-stream?mb=60&type=text/plain&n=2"]
    threads = [threading.Thread(target=download, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(messages) == 3
    assert sorted(messages) == sorted([
        f"'{urls[0]}' is too large (60.0 MB; the limit is 50.0 MB).",
        f"'{urls[1]}' is larger than the limit of 50.0 MB.",
        f"'{urls[2]}' is larger than the limit of 50.0 MB.",
    ])
    text = run({"name": "d", "processorType": "document-to-text-processor",
                "document_url": web.url + "/big?mb=40"}, settings)
    assert len(text) == 40 * 1048576 and text[:3] == "aaa"


def test_the_default_limit_is_well_below_the_old_300_mb() -> None:
    assert Settings().fetch_max_mb == 100 and Settings().document_max_mb == 50 and Settings().fetch_budget_mb == 512


def test_big_bodies_are_spooled_to_a_file_small_ones_stay_in_memory(web: FakeProviders) -> None:
    fetcher = Fetcher(Settings(allow_private_urls=True))
    with fetcher.get(web.url + "/big?mb=3") as big, fetcher.get(web.url + "/notes.txt") as small:
        assert big.size == 3 * 1048576 and big.body._rolled  # type: ignore[attr-defined]
        assert big.open().read(4) == b"aaaa"
        assert not small.body._rolled and small.text() == fx.TEXT_BODY  # type: ignore[attr-defined]


def test_the_download_budget_is_shared_and_waits_until_the_deadline(web: FakeProviders) -> None:
    fetcher = Fetcher(Settings(allow_private_urls=True, fetch_budget_mb=1))
    message = fails(fetcher.get, web.url + "/big?mb=2")
    assert message == f"'{web.url}/big?mb=2' is too large for this server's download budget (1 MB at once, " \
                      "FETCH_BUDGET_MB)."
    budget = Budget(1000)
    budget.reserve(700, "a", time.monotonic() + 1)
    started = time.monotonic()
    assert "is busy downloading" in fails(budget.reserve, 700, "b", time.monotonic() + 0.3)
    assert 0.2 < time.monotonic() - started < 1.0
    threading.Timer(0.2, budget.release, (700,)).start()
    budget.reserve(700, "b", time.monotonic() + 2)  # waits for the first download to end
    assert budget.used == 700


# ---- 4. plain-word errors ----------------------------------------------------------------------
def test_errors_are_plain_words() -> None:
    fetcher = Fetcher(Settings(allow_private_urls=True, fetch_timeout_s=2.0))
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert fails(fetcher.get, f"http://127.0.0.1:{port}/") == \
        f"Could not fetch 'http://127.0.0.1:{port}/': the connection was refused."
    unresolvable = Fetcher(Settings(allow_private_urls=True), resolver=lambda host, port: [])
    assert fails(unresolvable.get, "http://nowhere.invalid/") == \
        "Could not fetch 'http://nowhere.invalid/': the name 'nowhere.invalid' could not be resolved."


# ---- 5. TCP_NODELAY ----------------------------------------------------------------------------
def test_pinned_connections_keep_tcp_nodelay() -> None:
    drip = fx.DripServer(part="body", interval=0.05, length=10)  # a kept-alive connection: its socket stays
    host, port = drip.url.removeprefix("http://").split(":")
    deadline = Deadline(5)
    pool = pinned_pool("http", host, int(port), "nodelay.test", deadline)
    try:
        response = pool.urlopen("GET", "/", preload_content=False, release_conn=False,
                                headers={"Host": "nodelay.test"})
        assert response.connection is not None and response.connection.sock is not None
        assert response.connection.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        response.close()
    finally:
        deadline.finish()
        pool.close()
        drip.stop()
