"""Posting the sandbox's page forms as a browser does: open the page, send its CSRF token back.

The sandbox refuses (403) a page POST without the token of the browser's cookie, so a
client first GETs the payment page (which sets the cookie and names the token in
``<meta name="csrf-token">``) and then posts with the same client.
"""

from __future__ import annotations

import re

import httpx

_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_token(html: str) -> str:
    """The CSRF token a page names; fails the test if it names none."""
    found = _TOKEN.search(html)
    assert found is not None, "the page names no CSRF token"
    return found.group(1)


def with_token(client: httpx.Client, url: str, data: dict[str, str]) -> dict[str, str]:
    """``data`` plus the token of the payment page at ``url`` (an ``/authenticate`` URL
    is answered by its payment page), fetched with ``client`` so its cookie is set."""
    page_url = url.removesuffix("/authenticate")
    page = client.get(page_url, follow_redirects=True)
    return {**data, "csrf_token": csrf_token(page.text)}
