"""Addresses: where the app reaches the API, and what goes into hosted-page URLs.

On ``--host 0.0.0.0`` (LAN mode) the app keeps talking to the API over loopback, while the
payment page URLs (the QR code a phone scans) use the machine's LAN address. That address
is found without sending anything: ``connect()`` on a UDP socket only asks the kernel which
local address it would route from; no datagram leaves. Failing that, the addresses the
host name resolves to are used, and failing those, 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

#: Hosts that mean "every interface".
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", "", "*"})
#: Private addresses asked about by the UDP probe (never contacted: see the module doc).
PROBE_TARGETS: tuple[str, ...] = ("10.255.255.255", "192.168.255.255", "172.31.255.255")
#: The discard port; any port would do since nothing is sent.
_PROBE_PORT = 9
#: RFC 1918 private networks: what a LAN address usually is.
_RFC1918 = tuple(
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)

Probe = Callable[[str], str | None]
Lookup = Callable[[], Sequence[str]]


def is_wildcard(host: str) -> bool:
    """Whether binding ``host`` listens on every interface."""
    return host.strip("[]") in WILDCARD_HOSTS


def udp_probe(target: str) -> str | None:
    """The local IPv4 address the kernel would use towards ``target`` (sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect((target, _PROBE_PORT))
        address = sock.getsockname()[0]
    return str(address) if address else None


def hostname_addresses() -> list[str]:
    """The IPv4 addresses this machine's host name resolves to (hosts file / resolver)."""
    infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def choose_lan_ip(candidates: Iterable[str]) -> str | None:
    """The best LAN address among ``candidates``: IPv4, not loopback, link-local,
    multicast or unspecified; private (RFC 1918) ones first, then in the order given."""
    usable: list[ipaddress.IPv4Address] = []
    for text in candidates:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if not isinstance(address, ipaddress.IPv4Address):
            continue
        if (
            address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_unspecified
            or address == ipaddress.IPv4Address("255.255.255.255")
        ):
            continue
        if address not in usable:
            usable.append(address)
    if not usable:
        return None
    private = [a for a in usable if any(a in net for net in _RFC1918)]
    return str((private or usable)[0])


def lan_ip(
    *,
    probe: Probe = udp_probe,
    lookup: Lookup = hostname_addresses,
    targets: Sequence[str] = PROBE_TARGETS,
) -> str:
    """This machine's LAN address, or ``127.0.0.1`` when it has none."""
    candidates: list[str] = []
    for target in targets:
        try:
            found = probe(target)
        except OSError:
            continue
        if found:
            candidates.append(found)
    chosen = choose_lan_ip(candidates)
    if chosen is not None:
        return chosen
    try:
        chosen = choose_lan_ip(lookup())
    except OSError:
        chosen = None
    return chosen or "127.0.0.1"


def _url(host: str, port: int) -> str:
    host = host.strip("[]")
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def api_url(bind_host: str, port: int) -> str:
    """Where local clients (the app, tests) reach the API: loopback when bound to every
    interface, else the bound address."""
    if is_wildcard(bind_host):
        return _url("::1" if ":" in bind_host else "127.0.0.1", port)
    return _url(bind_host, port)


def check_public_url(url: str) -> str:
    """An absolute http(s) base URL without query or fragment, trailing ``/`` removed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"public URL must look like http://host:port, not {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"public URL must not have a query or fragment: {url!r}")
    return url.strip().rstrip("/")


def public_url(
    bind_host: str,
    port: int,
    explicit: str | None = None,
    *,
    find_lan_ip: Callable[[], str] | None = None,
) -> str:
    """The base of hosted-page URLs: ``explicit`` if given; the LAN address when bound to
    every interface (``find_lan_ip``, default :func:`lan_ip`); otherwise the same address as
    the API."""
    if explicit:
        return check_public_url(explicit)
    if is_wildcard(bind_host):
        return _url((find_lan_ip or lan_ip)(), port)
    return api_url(bind_host, port)
