"""Which host names the server answers to (ALLOWED_HOSTS): the guard against DNS rebinding."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.settings import Settings

#: Names of the local machine, always allowed (a rebinding attacker cannot own them).
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
#: HOST values that mean "every interface".
WILDCARD_BINDS = ("0.0.0.0", "::", "")

_NAME = re.compile(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]")

HostName = tuple[str, int | None]  # (name, port or None for any port)


def split_host(value: str) -> HostName | None:
    """(name, port) of a Host header value or ALLOWED_HOSTS entry: lower case, IPv6 in brackets,
    no trailing dot. None when it is malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, closed, rest = value.partition("]")
        if not closed:
            return None
        name += "]"
    elif value.count(":") > 1:  # a bare IPv6 address (entries only; a Host header brackets it)
        name, rest = f"[{value}]", ""
    else:
        name, sep, port = value.partition(":")
        rest = sep + port
    name = name.rstrip(".") if not name.startswith("[") else name
    if not _NAME.fullmatch(name):
        return None
    if not rest:
        return name, None
    digits = rest[1:]
    if not rest.startswith(":") or not digits.isdigit() or len(digits) > 5 or not 0 < int(digits) < 65536:
        return None
    return name, int(digits)


def binds_loopback(settings: Settings) -> bool:
    """Whether HOST is a loopback address (or `localhost`): only this machine can connect."""
    host = settings.host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_hosts(settings: Settings) -> list[str]:
    """ALLOWED_HOSTS when unset: the bound address (none when bound to every interface)."""
    bound = settings.host.strip().lower()
    return [] if bound in WILDCARD_BINDS else [bound]


def startup_warnings(settings: Settings) -> list[str]:
    """What the owner should know about ALLOWED_HOSTS at start-up."""
    warnings = []
    ignored = [entry for entry in settings.allowed_hosts if entry != "*" and split_host(entry) is None]
    if ignored:
        warnings.append(f"ALLOWED_HOSTS: ignored entries that are not host names: {', '.join(ignored)}")
    if not settings.allowed_hosts and not binds_loopback(settings):
        warnings.append("ALLOWED_HOSTS is not set: answering only to localhost and the bound address; set it "
                        "to the names clients use to reach this server.")
    return warnings


@dataclass(frozen=True)
class HostPolicy:
    """The allowed host names (any port unless one is given); a leading dot allows subdomains, `*` every
    host. The loopback names and PUBLIC_URL's host are always allowed."""

    names: tuple[HostName, ...]
    any_host: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> HostPolicy:
        entries = [*LOOPBACK_NAMES, *(settings.allowed_hosts or default_hosts(settings))]
        if settings.public_url and (public := urlsplit(settings.public_url).hostname):
            entries.append(public)
        if "*" in entries:
            return cls(names=(), any_host=True)
        names = tuple(parsed for entry in entries if (parsed := split_host(entry)) is not None)
        return cls(names=names)

    def allows(self, host_header: str | None) -> bool:
        """Whether a Host header value names one of the allowed hosts."""
        if self.any_host:
            return True
        parsed = split_host(host_header) if host_header else None
        if parsed is None:
            return False
        name, port = parsed
        for allowed, allowed_port in self.names:
            if allowed_port is not None and allowed_port != port:
                continue
            if name == allowed or (allowed.startswith(".") and (name.endswith(allowed) or name == allowed[1:])):
                return True
        return False

    def allows_origin(self, origin: str) -> bool:
        """Whether a browser Origin (scheme://host[:port]) is on an allowed host."""
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and bool(parts.netloc) and self.allows(parts.netloc)
