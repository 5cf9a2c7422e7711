"""Stripe's own example objects as the oracle for the sandbox's objects.

``tests/fixtures/stripe/fixtures3.json`` is Stripe's ``openapi/fixtures3.json`` (MIT; see the
README beside it): one example object per resource, with every top-level field Stripe
returns. Every object the sandbox returns in realistic flows (sessions, PaymentIntents,
charges, refunds, balance transactions, events, webhook endpoints, payment methods, line
items, prices, lists) is compared with the fixture of its type, top level only. Each
difference must be a row of the table in ``docs/sandbox-differences.md`` (between the
``fixture-differences`` markers) with its reason, and each row must still be a difference:
the doc and this test cannot drift apart.

The fixture was generated for some API version; the sandbox speaks the version stripe 16.1
pins. Where they disagree, the SDK's annotations win: a field the fixture lacks but the SDK
declares is listed as "pinned version" rather than fixed away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import start_app_in_thread
from tests.contract.fidelity import walk_objects
from tests.contract.sdk_schema import object_class, resource_fields
from tests.sandbox.conftest import patient_http
from tests.sandbox.test_fidelity_responses import KEY, Recorder, _run_flows

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "stripe" / "fixtures3.json"
DOC = ROOT / "docs" / "sandbox-differences.md"
START, END = "<!-- fixture-differences:start -->", "<!-- fixture-differences:end -->"
KINDS = {"extra": "sent only by the sandbox", "missing": "not sent by the sandbox"}

#: Stripe's list envelope has no fixture of its own: its documented shape
#: (https://docs.stripe.com/api/pagination).
LIST_FIELDS = frozenset({"object", "data", "has_more", "url"})

Body = dict[str, Any]


def fixture_fields() -> dict[str, frozenset[str]]:
    """Top-level field names of each fixture, by ``object`` value."""
    resources = json.loads(FIXTURES.read_text(encoding="utf-8"))["resources"]
    out: dict[str, frozenset[str]] = {"list": LIST_FIELDS}
    for name, example in resources.items():
        # A deleted object's fixture is filed as ``deleted_<object>``.
        key = name if not example.get("deleted") else f"deleted {example['object']}"
        out[key] = frozenset(example)
    return out


def documented_rows() -> dict[tuple[str, str, str], str]:
    """``(object, field, kind) -> reason`` from the doc's table."""
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, f"{DOC} lacks the fixture-differences table"
    table = text.split(START, 1)[1].split(END, 1)[0]
    rows: dict[tuple[str, str, str], str] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("object", "") or set(cells[0]) <= {"-", ":"}:
            continue
        obj, fields, kind, reason = (re.sub(r"`", "", c) for c in cells)
        kind = next(k for k, words in KINDS.items() if kind == words)
        for field in (f.strip() for f in fields.split(",")):
            assert (obj, field, kind) not in rows, f"listed twice: {obj}.{field}"
            rows[(obj, field, kind)] = reason
    return rows


def _kind_of(obj: Body) -> str:
    return f"deleted {obj['object']}" if obj.get("deleted") is True else str(obj["object"])


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, set[str]]]:
    """Every top-level field the sandbox sent, by object type, over realistic flows."""
    db = tmp_path_factory.mktemp("stripe_fixtures") / "sandbox.sqlite3"
    handle = start_app_in_thread(
        lambda url: create_app(Path(db), public_base_url=url, refund_settle_seconds=0.1)
    )
    try:
        with (
            patient_http(handle.url, timeout=10, headers={"Authorization": f"Bearer {KEY}"}) as api,
            patient_http(handle.url, timeout=10) as page,
        ):
            rec = Recorder(api, page)
            _run_flows(rec)
            hook = rec.call(
                "webhook_endpoint.created",
                "POST",
                "/v1/webhook_endpoints",
                {"url": "https://example.com/hook", "enabled_events": ["*"]},
            )
            rec.call("webhook_endpoint", "GET", f"/v1/webhook_endpoints/{hook['id']}")
            rec.call("webhook_endpoints", "GET", "/v1/webhook_endpoints")
            customer = rec.call(
                "customer.created",
                "POST",
                "/v1/customers",
                {"email": "a@example.com", "name": "A", "preferred_locales": ["de"]},
            )
            rec.call("customer", "GET", f"/v1/customers/{customer['id']}")
            deleted = api.delete(f"/v1/webhook_endpoints/{hook['id']}")  # Recorder: GET/POST
            assert deleted.status_code == 200, deleted.text
            rec.bodies["webhook_endpoint.deleted"] = deleted.json()
            out: dict[str, set[str]] = {}
            for label, body in rec.bodies.items():
                if label.startswith("error."):
                    continue
                for _path, obj in walk_objects(body):
                    out.setdefault(_kind_of(obj), set()).update(obj)
            yield out
    finally:
        handle.stop()


def actual_differences(seen: dict[str, set[str]]) -> set[tuple[str, str, str]]:
    fixtures = fixture_fields()
    diffs: set[tuple[str, str, str]] = set()
    for kind, fields in seen.items():
        expected = fixtures[kind]
        diffs |= {(kind, f, "extra") for f in fields - expected}
        diffs |= {(kind, f, "missing") for f in expected - fields}
    return diffs


def test_every_object_the_sandbox_returns_has_a_stripe_fixture(seen: dict[str, set[str]]) -> None:
    assert {
        "checkout.session",
        "payment_intent",
        "charge",
        "refund",
        "balance_transaction",
        "event",
        "webhook_endpoint",
        "deleted webhook_endpoint",
        "payment_method",
        "item",
        "price",
        "list",
    } <= set(seen)
    assert not set(seen) - set(fixture_fields()), "no Stripe fixture to compare with"


def test_every_difference_from_stripes_fixtures_is_documented(seen: dict[str, set[str]]) -> None:
    actual = actual_differences(seen)
    rows = documented_rows()
    unlisted = sorted(actual - set(rows))
    stale = sorted(set(rows) - actual)
    assert not unlisted, (
        "differences from Stripe's fixtures: fix the sandbox or add a row with the reason "
        f"to {DOC.name}: {unlisted}"
    )
    assert not stale, f"rows in {DOC.name} that are no longer differences: {stale}"
    assert all(reason for reason in rows.values())


def test_extra_fields_are_ones_the_pinned_version_declares(seen: dict[str, set[str]]) -> None:
    # The fixture predates or postdates the pinned version; a field the sandbox sends beyond
    # it must at least be one stripe 16.1 declares (so it is the version, not invention).
    undeclared = []
    for kind, field, diff in sorted(actual_differences(seen)):
        cls = object_class(kind.removeprefix("deleted "))
        if diff == "extra" and cls is not None and field not in resource_fields(cls):
            undeclared.append(f"{kind}.{field}")
    assert not undeclared


def test_the_table_parser_sees_the_doc() -> None:
    rows = documented_rows()
    assert rows, "the table in the doc is empty or unreadable"
