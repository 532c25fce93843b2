"""The one HTTP fetch helper: DNS pinning with a private-address guard, a wall-clock deadline, size limits,
bodies spooled to disk under a server-wide budget, and plain-word errors.

How a fetch goes (every redirect hop again):

1. The host is resolved once (`resolver`, default the system's getaddrinfo) and every address is checked
   (public only, unless ALLOW_PRIVATE_URLS=true).
2. The connection goes to a checked address, never to a second lookup: urllib3 (2.x) is used directly with a
   one-connection pool whose host is the address, while the Host header is the original name and, for
   HTTPS, `server_hostname`/`assert_hostname` keep TLS SNI and the certificate check on the original name
   (both are documented pool/connection arguments). A DNS answer that changes between the check and the
   connection (rebinding) therefore cannot reach another address. requests is not used here: its adapters
   would resolve the name again.
3. A timer (app.concurrency.spawn_later) shuts the connection's socket down at the total deadline, so a
   server dripping bytes cannot hold a node past it (urllib3's read timeout only bounds each recv).
4. The body is read in chunks into a SpooledTemporaryFile (memory up to 1 MB, then disk), stopping at the
   size limit; while reading, the download holds its size (declared, else its limit) from the
   FETCH_BUDGET_MB budget shared by the server.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import urljoin

from urllib3 import HTTPHeaderDict, HTTPResponse, Timeout
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    NewConnectionError,
)
from urllib3.util import Url, parse_url

from app.errors import UserError
from app.net_body import Budget, FetchResult
from app.net_conn import (
    Deadline,
    Resolver,
    is_public_address,
    pinned_pool,
    system_resolver,
)
from app.net_errors import failure
from app.settings import Settings

__all__ = ["Fetcher", "FetchResult", "is_public_address"]

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
_REDIRECTS = {301, 302, 303, 307, 308}
_DEFAULT_PORTS = {"http": 80, "https": 443}
MB = 1048576


class Fetcher:
    def __init__(self, settings: Settings, *, resolver: Resolver = system_resolver,
                 ca_certs: str | None = None, address_allowed: Callable[[str], bool] = is_public_address) -> None:
        self.settings = settings
        self.resolver = resolver
        self.address_allowed = address_allowed
        self.ca_certs = ca_certs
        self.budget = Budget(int(settings.fetch_budget_mb * MB))

    def get(self, url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None,
            timeout: float | None = None, follow_redirects: bool = True) -> FetchResult:
        """GET a public URL; fail clearly on a timeout, an oversize body or too many redirects.
        The caller may close the result (or use it in a `with`) to drop its temporary file at once."""
        limit = max_bytes if max_bytes is not None else int(self.settings.fetch_max_mb * MB)
        deadline = Deadline(timeout if timeout is not None else self.settings.fetch_timeout_s)
        try:
            current = url
            for _ in range(self.settings.fetch_max_redirects + 1):
                target = self._target(current)
                addresses = self._addresses(current, target)
                response = self._open(target, addresses, headers, deadline)
                try:
                    location = response.headers.get("location")
                    if response.status in _REDIRECTS and location:
                        if not follow_redirects:
                            raise UserError(f"'{url}' redirects to another address; redirects are not "
                                            "followed here.")
                        current = urljoin(current, location)
                        continue
                    return self._read(response, current, url, limit, deadline)
                finally:
                    deadline.forget()
                    response.close()
        except (HTTPError, OSError) as exc:
            raise failure(url, exc, deadline) from None
        finally:
            deadline.finish()
        raise UserError(f"Fetching '{url}' was redirected more than {self.settings.fetch_max_redirects} times.")

    @staticmethod
    def _target(url: str) -> Url:
        try:
            target = parse_url(url)
        except LocationParseError:
            target = None
        if target is None or target.scheme not in ("http", "https") or not target.host:
            raise UserError(f"Invalid URL '{url}': only http and https addresses are allowed.")
        return target

    def _addresses(self, url: str, target: Url) -> list[str]:
        """The host's addresses from one lookup, all checked; the connection will use one of these."""
        host = (target.host or "").strip("[]")
        try:
            addresses = self.resolver(host, target.port or _DEFAULT_PORTS[target.scheme or "http"])
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise UserError(f"Could not fetch '{url}': the name '{host}' could not be resolved.")
        if not self.settings.allow_private_urls and not all(self.address_allowed(a) for a in addresses):
            raise UserError(f"Refusing to fetch '{url}': it points to a private, loopback or link-local "
                            "address (set ALLOW_PRIVATE_URLS=true on the server to allow it).")
        return addresses

    def _open(self, target: Url, addresses: list[str], headers: dict[str, str] | None,
              deadline: Deadline) -> HTTPResponse:
        """Send the request to the first checked address that accepts the connection."""
        scheme, host = target.scheme or "http", (target.host or "").strip("[]")
        port = target.port or _DEFAULT_PORTS[scheme]
        sent = HTTPHeaderDict({"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "gzip, deflate",
                               "Host": target.host if port == _DEFAULT_PORTS[scheme] else f"{target.host}:{port}"})
        for key, value in (headers or {}).items():
            sent[key] = value
        error: Exception | None = None
        for address in addresses:
            remaining = max(0.05, deadline.remaining())
            pool = pinned_pool(scheme, address, port, host, deadline, self.ca_certs)
            try:
                return pool.urlopen("GET", target.request_uri, headers=sent, redirect=False, retries=False,
                                    preload_content=False, release_conn=False,
                                    timeout=Timeout(connect=min(10.0, remaining), read=remaining))
            except (NewConnectionError, ConnectTimeoutError) as exc:
                error = exc
                if deadline.remaining() <= 0:
                    break
            except BaseException:
                deadline.forget()
                pool.close()
                raise
            deadline.forget()
            pool.close()
        assert error is not None
        raise error

    def _read(self, response: HTTPResponse, current: str, url: str, limit: int, deadline: Deadline) -> FetchResult:
        declared = response.headers.get("content-length", "")
        size = int(declared) if declared.isdigit() else None
        if size is not None and size > limit:
            raise UserError(f"'{url}' is too large ({size / MB:.1f} MB; the limit is {limit / MB:.1f} MB).")
        reserved = size if size is not None else limit
        self.budget.reserve(reserved, url, deadline.at)
        result = FetchResult(url=current, status=response.status,
                             headers={k.lower(): v for k, v in response.headers.items()})
        try:
            for chunk in response.stream(65536):
                result.size += len(chunk)
                if result.size > limit:
                    raise UserError(f"'{url}' is larger than the limit of {limit / MB:.1f} MB.")
                result.body.write(chunk)
            if deadline.expired:
                raise failure(url, TimeoutError(), deadline)
        except UserError:
            result.close()
            raise
        except (HTTPError, OSError) as exc:
            result.close()
            if deadline.expired:
                raise failure(url, exc, deadline) from None
            raise UserError(f"The connection to '{url}' broke while reading.") from None
        finally:
            self.budget.release(reserved)
        return result

