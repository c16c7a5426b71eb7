"""The SSRF guard: which URLs a webhook may post to, and the address to connect to.

A webhook URL is the one thing a stranger with an account makes this server fetch. Unless the
operator allows it (``DAILYPAPERS_WEBHOOK_ALLOW_PRIVATE``), every address its host resolves to
must be public: never private, loopback, link-local (the cloud metadata service at
169.254.169.254), multicast, reserved or unspecified, and no IPv6 address that embeds such an
IPv4 one (IPv4-mapped, 6to4, Teredo). The check runs when the webhook is added and again before
every delivery, and the sender connects to the very address it checked (:func:`connect_url`,
with the original host in ``Host`` and TLS's SNI and certificate check), so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot point it elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from dailypapers.webhooks.errors import InvalidUrl, Unresolvable

# Longer URLs are not webhook URLs (Slack's and Discord's are about 120 characters), and 2,000
# is what every browser and proxy carries.
MAX_URL_LENGTH = 2000
SCHEMES = {"http": 80, "https": 443}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Target:
    """Where a checked URL leads: its parts, and the addresses its host resolved to, all
    allowed."""

    scheme: str
    host: str  # lowercased, IDNA-encoded
    port: int
    path: str  # path and query, as given
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def parse(url: str) -> SplitResult:
    """``url`` if its shape may be a webhook's (http or https, a host, no user name or password,
    at most :data:`MAX_URL_LENGTH` characters); else :class:`InvalidUrl` says why."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidUrl(f"a webhook URL has at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InvalidUrl("a webhook URL has no spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it validates it (ValueError when out of range)
    except ValueError as error:
        raise InvalidUrl(f"not a URL: {error}") from None
    if parts.scheme not in SCHEMES:
        raise InvalidUrl("a webhook URL starts with http:// or https://")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidUrl("a webhook URL carries no user name or password: use its secret")
    if not parts.hostname:
        raise InvalidUrl("a webhook URL names a host")
    return parts


def check(url: str, *, allow_private: bool) -> Target:
    """Where ``url`` leads, if it may be posted to: :class:`InvalidUrl` for a bad URL or one
    that reaches a non-public address (unless ``allow_private``), :class:`Unresolvable` when
    its host has no address now."""
    parts = parse(url)
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidUrl("the host of the URL is not a valid name") from None
    port = parts.port or SCHEMES[parts.scheme]
    addresses = _resolve(host, port)
    refused = [a for a in addresses if not allow_private and not is_public(a)]
    if refused:
        where = f"{host} is at {refused[0]}" if host != str(refused[0]) else host
        raise InvalidUrl(f"{where}, not a public address: webhooks post to public addresses only")
    path = parts.path or "/"
    path += f"?{parts.query}" if parts.query else ""
    return Target(parts.scheme, host, port, path, tuple(str(a) for a in addresses))


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Unresolvable(f"{host} has no address: {error}") from None
    # An address with a zone ("fe80::1%eth0") is link-local: the zone goes, the check refuses it.
    addresses = {ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found}
    if not addresses:
        raise Unresolvable(f"{host} has no address")
    return sorted(addresses, key=lambda a: (a.version, int(a)))


def is_public(address: Address) -> bool:
    """Whether ``address`` is on the public internet (and so is any IPv4 one it embeds)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if any(inner is not None and not is_public(inner) for inner in embedded):
            return False
    not_public = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not not_public


def connect_url(target: Target, address: str) -> str:
    """The URL that reaches ``target`` at ``address``, one it was checked at."""
    host = f"[{address}]" if ":" in address else address
    return f"{target.scheme}://{host}:{target.port}{target.path}"
