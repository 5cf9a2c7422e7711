"""Browser-facing protections of the sandbox's own pages: headers, script nonces, CSRF.

These pages are the sandbox's, not Stripe's API, and in LAN mode phones on the network
open them, so they get what any payment form on a network gets:

- ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``: no other site can frame the
  card form (clickjacking).
- A ``Content-Security-Policy`` of ``default-src 'self'``: no script or style runs unless
  its tag carries this response's random nonce, so an injected ``<script>`` never runs.
  ``form-action`` is left out on purpose: a paid form redirects to the business's own
  ``success_url``, and browsers apply ``form-action`` to that redirect as well.
- A CSRF token on every POST: a random per-browser cookie (``SameSite=Strict``, so another
  site's form never carries it) and a hidden field holding an HMAC of that cookie and the
  session id, under a key this process made at start. A POST without both, or with a
  token made for another browser or session, is refused with 403 and changes nothing.
  Pages for a session also carry the token in a ``<meta name="csrf-token">`` tag (as
  Rails does), so a page without a form still names it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

#: The browser's CSRF cookie; only sent to the pages (``Path=/c/``).
CSRF_COOKIE: Final = "sandbox_csrf"
#: The hidden form field (and meta tag) carrying the token.
CSRF_FIELD: Final = "csrf_token"
_COOKIE_PATH: Final = "/c/"
_COOKIE_BYTES: Final = 32


def content_security_policy(nonce: str) -> str:
    """The page's CSP: own origin only, scripts and styles only with ``nonce``, no framing."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'nonce-{nonce}'",
            f"style-src 'nonce-{nonce}'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


@dataclass
class PageGuard:
    """Makes and checks CSRF tokens, and dresses every page response."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def token(self, browser: str, session_id: str) -> str:
        """The token for ``browser``'s cookie on the page of ``session_id``."""
        message = f"{browser}\x00{session_id}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    @staticmethod
    def browser(request: Request) -> str | None:
        """The CSRF cookie the request carries, if it looks like one of ours."""
        value = request.cookies.get(CSRF_COOKIE, "")
        return value if 20 <= len(value) <= 100 and value.isascii() else None

    def browser_or_new(self, request: Request) -> tuple[str, bool]:
        """``(cookie value, whether it is new and must be set)`` for a page being shown."""
        found = self.browser(request)
        if found is not None:
            return found, False
        return secrets.token_urlsafe(_COOKIE_BYTES), True

    def check(self, request: Request, session_id: str, form: dict[str, str]) -> bool:
        """Whether a POST for ``session_id`` carries this browser's token."""
        browser = self.browser(request)
        sent = form.get(CSRF_FIELD, "")
        if browser is None or not sent:
            return False
        return hmac.compare_digest(sent, self.token(browser, session_id))

    @staticmethod
    def new_nonce() -> str:
        """A fresh nonce for one response's script and style tags."""
        return secrets.token_urlsafe(18)

    @staticmethod
    def dress(response: Response, nonce: str, new_browser: str | None = None) -> Response:
        """Add the security headers (and the CSRF cookie when it is new) to a page."""
        response.headers["Content-Security-Policy"] = content_security_policy(nonce)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The page URL is the payment link: never hand it to the business's site.
        response.headers["Referrer-Policy"] = "no-referrer"
        if new_browser is not None:
            response.set_cookie(
                CSRF_COOKIE,
                new_browser,
                path=_COOKIE_PATH,
                httponly=True,
                samesite="strict",
            )
        return response
