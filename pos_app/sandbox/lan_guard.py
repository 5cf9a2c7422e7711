"""LAN mode serves the payment pages to the network and nothing else.

On ``--host 0.0.0.0`` phones on the LAN must reach ``/c/...`` (the hosted payment page and
its thank-you page), but the API (``/v1``: any well-formed test key is accepted), the test
controls (``/_sandbox``: clock, faults) and ``/healthz`` are for this computer only. One
listener and a check of who is asking, rather than two listeners: the page URLs keep the
single port the QR code shows, and a request is let through by its peer address, which
the kernel sets (a remote host cannot claim to be 127.0.0.1 on an established TCP
connection). Other devices get 403 for everything but the pages.

"This computer" is a loopback peer, or a peer whose address is the very address it
connected to (the app reaching a sandbox bound to one LAN address, e.g. ``--host
192.168.1.20``, connects from that address). A reverse proxy on this computer makes every
client look local: point such a proxy at ``/c/`` only.
"""

from __future__ import annotations

import ipaddress
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

#: Paths every device may open (the payment pages).
PUBLIC_PREFIX: Final = "/c/"
REFUSAL: Final = (
    b"This sandbox answers its API and test controls only on the computer it runs on; "
    b"other devices can open payment pages only.\n"
)


def _address(host: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(host, str):
        return None
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_local(scope: Scope) -> bool:
    """Whether the request comes from this computer (see the module doc)."""
    client = scope.get("client")
    if not client:
        return True  # no peer address: an in-process caller or a Unix socket
    peer = _address(client[0])
    if peer is None:
        # Not an IP address: an in-process test transport ("testclient"); a network peer
        # always has one.
        return True
    if peer.is_loopback:
        return True
    server = scope.get("server")
    return server is not None and peer == _address(server[0])


class LanGuard:
    """Outermost ASGI layer: other devices reach the payment pages and nothing else."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or is_local(scope):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(PUBLIC_PREFIX):
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # a websocket from another device: nothing here speaks it; close
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(REFUSAL)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": REFUSAL})
