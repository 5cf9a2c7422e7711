"""Request bodies read with a cap, so a huge upload costs no memory.

A declared ``Content-Length`` above the cap is refused before a byte is read; a body without
one (chunked transfer) is read chunk by chunk and abandoned as soon as it passes the cap, so
at most the cap plus one chunk is ever held. The server (uvicorn) stops reading from the
socket while nobody asks for the body, so what is left unread is never buffered.

Stripe's own limit on request bodies is not published (UNCONFIRMED): a Checkout Session with
100 line items and full metadata is well under 200 kB, so 1 MB refuses nothing Stripe would
take. The app's webhook receiver keeps its own copy of this helper: the sandbox is a separate
program and imports nothing of the app.
"""

from __future__ import annotations

from typing import Final

from starlette.requests import Request

#: Largest ``/v1`` request body the sandbox reads (form-encoded parameters).
API_MAX_BODY_BYTES: Final = 1_000_000
#: Largest body of a hosted-page form (card form, 3-D Secure answer): a few short fields.
PAGE_MAX_BODY_BYTES: Final = 16_384


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
