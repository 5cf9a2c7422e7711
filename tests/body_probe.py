"""Posting large bodies to an ASGI app in-process while counting what the app reads.

The count is taken at the ``receive`` callable the server hands the app: the bytes the app
asked for, which is what a real server would have had to take off the socket and hold.
Bodies are generated chunk by chunk, so a test never holds the large body itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CHUNK = 65_536


class CountingApp:
    """Wraps an ASGI app and counts the request body bytes it receives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.read = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counting_receive, send)


@dataclass(frozen=True)
class Sent:
    """The answer to one large POST and how much of its body the app read."""

    status: int
    text: str
    read: int


async def _chunks(total: int, chunk: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield b"a" * size


def post_large(
    app: ASGIApp,
    url: str,
    *,
    total: int,
    headers: dict[str, str] | None = None,
    declare_length: bool = False,
    chunk: int = CHUNK,
    client: tuple[str, int] = ("127.0.0.1", 50_000),
) -> Sent:
    """POST ``total`` bytes to ``url``: chunked from a generator without ``Content-Length``,
    or (``declare_length``) with a ``Content-Length`` announcing them."""
    counting = CountingApp(app)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=counting, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            all_headers = dict(headers or {})
            if declare_length:
                all_headers["Content-Length"] = str(total)
            return await http.post(url, content=_chunks(total, chunk), headers=all_headers)

    response = asyncio.run(go())
    return Sent(response.status_code, response.text, counting.read)
