"""The one HTTP fetch helper: timeout, size limit while reading, redirect limit, private-address guard."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from app.errors import UserError
from app.settings import Settings

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass
class FetchResult:
    url: str
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (e.g. 'text/plain')."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None

    def text(self) -> str:
        encoding = self.charset or "utf-8"
        try:
            return self.content.decode(encoding, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


class Fetcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def check_url(self, url: str) -> str:
        """Validate scheme and host, and refuse private addresses unless allowed. Returns the URL."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(f"Invalid URL '{url}': only http and https addresses are allowed.")
        if self.settings.allow_private_urls:
            return url
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise UserError(f"Could not resolve the host of '{url}'.") from None
        for info in infos:
            if not is_public_address(str(info[4][0])):
                raise UserError(f"Refusing to fetch '{url}': it points to a private, loopback or link-local "
                                "address (set ALLOW_PRIVATE_URLS=true on the server to allow it).")
        return url

    def get(self, url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None,
            timeout: float | None = None, follow_redirects: bool = True) -> FetchResult:
        """GET a public URL; fail clearly on a timeout, an oversize body or too many redirects."""
        limit = max_bytes if max_bytes is not None else int(self.settings.max_tmp_file_size_mb * 1048576)
        budget = timeout if timeout is not None else self.settings.fetch_timeout_s
        deadline = time.monotonic() + budget
        current = url
        for _ in range(self.settings.fetch_max_redirects + 1):
            self.check_url(current)
            remaining = max(0.1, deadline - time.monotonic())
            try:
                response = self.session.get(current, headers=headers, stream=True, allow_redirects=False,
                                            timeout=(min(10.0, remaining), remaining))
            except requests.Timeout:
                raise UserError(f"Fetching '{url}' timed out after {budget:g} s.") from None
            except requests.RequestException as exc:
                raise UserError(f"Could not fetch '{url}': {type(exc).__name__}.") from None
            with response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    if not follow_redirects:
                        raise UserError(f"'{url}' redirects to another address; redirects are not followed here.")
                    current = urljoin(current, response.headers["location"])
                    continue
                content = self._read(response, url, limit, deadline, budget)
                return FetchResult(url=current, status=response.status_code,
                                   headers={k.lower(): v for k, v in response.headers.items()}, content=content)
        raise UserError(f"Fetching '{url}' was redirected more than {self.settings.fetch_max_redirects} times.")

    @staticmethod
    def _read(response: requests.Response, url: str, limit: int, deadline: float, budget: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise UserError(f"'{url}' is too large ({int(declared) / 1048576:.1f} MB; "
                            f"the limit is {limit / 1048576:.1f} MB).")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if size > limit:
                    raise UserError(f"'{url}' is larger than the limit of {limit / 1048576:.1f} MB.")
                if time.monotonic() > deadline:
                    raise UserError(f"Fetching '{url}' timed out after {budget:g} s.")
                chunks.append(chunk)
        except requests.RequestException:
            raise UserError(f"The connection to '{url}' broke while reading.") from None
        return b"".join(chunks)
