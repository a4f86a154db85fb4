"""Which URLs an endpoint may have: webhooks are requests our server makes to an address a
member typed, so an address inside the server's own networks (loopback, private ranges,
link-local such as a cloud's metadata service) would let a member probe them (SSRF).

Refused unless `WEBHOOKS_ALLOW_PRIVATE_NETWORKS` is set (an install whose receivers live on
its own network); `http://` is refused unless `WEBHOOKS_ALLOW_HTTP` is set, as the bodies
carry answers. The check runs when the endpoint is saved and again before every request,
on every address the name resolves to (a name may be pointed elsewhere after it was saved).
Redirects are never followed (see `delivery`).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


class AddressRefused(Exception):
    """`code`: bad_url, scheme, private_network or unresolved."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class AddressPolicy:
    allow_http: bool = False
    allow_private_networks: bool = False


def check(url: str, policy: AddressPolicy) -> None:
    """Raise `AddressRefused` unless *url* may receive webhooks under *policy*."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise AddressRefused("bad_url") from error
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username:
        raise AddressRefused("bad_url")
    if parts.scheme == "http" and not policy.allow_http:
        raise AddressRefused("scheme")
    if policy.allow_private_networks:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused("unresolved") from error
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise AddressRefused("private_network")


def policy_from(config: dict) -> AddressPolicy:
    return AddressPolicy(
        allow_http=bool(config.get("WEBHOOKS_ALLOW_HTTP")),
        allow_private_networks=bool(config.get("WEBHOOKS_ALLOW_PRIVATE_NETWORKS")),
    )
