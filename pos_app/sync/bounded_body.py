"""Request bodies read with a cap, so a huge delivery costs no memory.

A declared ``Content-Length`` above the cap is refused before a byte is read; a body without
one (chunked transfer) is read chunk by chunk and abandoned as soon as it passes the cap, so
at most the cap plus one chunk is ever held. The server (uvicorn) stops reading from the
socket while nobody asks for the body, so what is left unread is never buffered.

The sandbox has its own copy (``pos_app/sandbox/bounded_body.py``): it is a separate program
and the two share no code.
"""

from __future__ import annotations

from starlette.requests import Request


def declared_too_large(request: Request, cap: int) -> bool:
    """Whether the request announces (``Content-Length``) a body larger than ``cap``."""
    declared = request.headers.get("content-length")
    return declared is not None and declared.strip().isdigit() and int(declared) > cap


async def read_capped(request: Request, cap: int) -> bytes | None:
    """The whole body, or ``None`` when it is larger than ``cap`` (answer 413 then)."""
    if declared_too_large(request, cap):
        return None
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > cap:
            return None  # stop here: the rest is never read
        chunks.append(chunk)
    return b"".join(chunks)
