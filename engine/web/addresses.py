"""Which addresses the planner may be reached at: the guard against DNS rebinding.

A page on another site can make a browser send requests to this machine under a DNS
name that the attacker controls (DNS rebinding). Such a request carries that name in its
Host header, so the server answers only names that cannot be rebound: this machine's
names, and address literals it listens on.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
_HOST = re.compile(r"(?:([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))|\[([0-9A-Fa-f:.]{2,45})\])(?::[0-9]{1,5})?")


def allowed_host(host: str, bound: str) -> bool:
    """Whether ``host`` (from a Host or Origin header) may address a server listening on
    ``bound``: this machine's names, the address it listens on, or (listening on every
    address) any address literal. A DNS name other than localhost never is."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    listening = ipaddress.ip_address(bound)
    return address == listening or address.is_loopback or listening.is_unspecified


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address of this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def family(host: str) -> socket.AddressFamily:
    try:
        return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        return socket.AF_INET


def host_name(header: str) -> str:
    """The name in a Host header: 'localhost:8765' -> 'localhost', '[::1]:8765' -> '::1';
    '' for anything that is not a plain name or address with an optional port."""
    match = _HOST.fullmatch(header.strip())
    return (match.group(1) or match.group(2)).lower() if match else ""


def origin_host(origin: str) -> str | None:
    try:
        parsed = urlsplit(origin.strip())
        parsed.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    return (parsed.hostname or "").lower() if parsed.scheme in ("http", "https") else None
