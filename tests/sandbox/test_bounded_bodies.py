"""The sandbox reads no body it will refuse (issue 11 item 8).

``/v1``: the key is checked before the body is read, and the body is read with a cap (a
declared ``Content-Length`` over it is refused unread; a chunked body is abandoned one
chunk past it). The hosted page's forms have a much smaller cap of their own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.applications import Starlette

from pos_app.sandbox.app import create_app
from pos_app.sandbox.bounded_body import API_MAX_BODY_BYTES, PAGE_MAX_BODY_BYTES
from tests.body_probe import CHUNK, post_large
from tests.sandbox.conftest import auth_headers


@pytest.fixture
def asgi(db_file: Path) -> Starlette:
    return create_app(db_file, background=False, deliver_webhooks=False)


def test_an_unauthenticated_post_is_refused_before_its_body_is_read(asgi: Starlette) -> None:
    sent = post_large(asgi, "/v1/checkout/sessions", total=8 * API_MAX_BODY_BYTES)
    assert (sent.status, sent.read) == (401, 0)
    assert "You did not provide an API key" in json.loads(sent.text)["error"]["message"]


def test_a_malformed_key_is_refused_before_its_body_is_read(asgi: Starlette) -> None:
    headers = {"Authorization": "Bearer not_a_key"}
    sent = post_large(asgi, "/v1/refunds", total=8 * API_MAX_BODY_BYTES, headers=headers)
    assert (sent.status, sent.read) == (401, 0)


def test_a_chunked_body_over_the_cap_is_abandoned_one_chunk_past_it(asgi: Starlette) -> None:
    sent = post_large(
        asgi, "/v1/checkout/sessions", total=8 * API_MAX_BODY_BYTES, headers=auth_headers()
    )
    assert sent.status == 413
    assert API_MAX_BODY_BYTES < sent.read <= API_MAX_BODY_BYTES + CHUNK
    error = json.loads(sent.text)["error"]
    assert error["type"] == "invalid_request_error" and "larger than" in error["message"]


def test_a_declared_length_over_the_cap_is_refused_unread(asgi: Starlette) -> None:
    sent = post_large(
        asgi,
        "/v1/checkout/sessions",
        total=8 * API_MAX_BODY_BYTES,
        headers=auth_headers(),
        declare_length=True,
    )
    assert (sent.status, sent.read) == (413, 0)


def test_a_body_at_the_cap_is_read_and_judged_by_its_parameters(asgi: Starlette) -> None:
    sent = post_large(
        asgi, "/v1/checkout/sessions", total=API_MAX_BODY_BYTES, headers=auth_headers()
    )
    # One long unknown parameter name: Stripe's 400 for it, not a 413.
    assert (sent.status, sent.read) == (400, API_MAX_BODY_BYTES)


def test_the_pages_form_has_its_own_small_cap(asgi: Starlette) -> None:
    sent = post_large(asgi, "/c/pay/cs_test_anything", total=64 * PAGE_MAX_BODY_BYTES)
    assert sent.status == 413
    assert sent.read <= PAGE_MAX_BODY_BYTES + CHUNK
    declared = post_large(
        asgi, "/c/pay/cs_test_anything", total=64 * PAGE_MAX_BODY_BYTES, declare_length=True
    )
    assert (declared.status, declared.read) == (413, 0)
