"""Every object the sandbox returns, against stripe-python's resource annotations.

Realistic flows (a session opened, declined, paid, refunded in part and in full, expired,
waiting for 3-D Secure; lists, expansions, events, errors) are run once; each raw JSON
body is then checked:

* against the SDK class it becomes (``stripe.checkout.Session``, ``stripe.Charge`` ...,
  recursively through nested classes such as ``Charge.PaymentMethodDetails.Card``): no
  undeclared field, JSON types as annotated (ints never floats), ``null`` only where the
  annotation is ``Optional``, enum strings among the SDK's ``Literal`` values;
* for the fields the app reads (parsed out of ``pos_app/gateway/stripe_gateway.py``):
  present, in every state;
* for the fields the SDK declares but the sandbox leaves out: only those Stripe itself
  leaves out unless they apply;
* for stability: an object type has the same fields in every state, so a field never
  appears only once something happened.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe
from stripe._error_object import ErrorObject

from pos_app.sandbox.app import create_app
from pos_app.sandbox.runner import start_app_in_thread
from pos_app.services.payment_sync import EVENT_TYPES
from tests.contract.app_reads import app_reads
from tests.contract.fidelity import check_json, declared_but_absent, walk_objects
from tests.contract.forms import encode, session_params
from tests.contract.sdk_schema import literal_values, object_class, resource_fields
from tests.sandbox.conftest import card_form, patient_http, with_token

KEY = "sk_test_fidelity_responses"

Body = dict[str, Any]

#: Fields Stripe itself leaves out of an object unless they apply (``field?:`` in the
#: types stripe-node generates from the same OpenAPI spec; includable lists need
#: ``expand``). The sandbox may leave out these and no others.
OMITTED_BY_STRIPE: dict[str, dict[str, str]] = {
    "checkout.session": {
        "line_items": "includable: only with expand[]=line_items",
        "allowed_payment_method_types": "only when set at creation",
        "excluded_payment_method_types": "only when set at creation",
        "managed_payments": "only when set at creation",
        "name_collection": "only when set at creation",
        "optional_items": "only when set at creation",
        "tax_id_collection": "only when set at creation",
        "redirect_on_completion": "ui_mode embedded_page / elements only",
        "return_url": "ui_mode embedded_page / elements only",
    },
    "charge": {
        "refunds": "includable since API 2022-11-15: only with expand[]=refunds",
        "level3": "only for Level III card data",
        "transfer": "Connect only",
    },
    "payment_intent": {
        "allowed_payment_method_types": "only when set at creation",
        "managed_payments": "only when set at creation",
        "payment_record": "only for payments recorded outside Stripe",
    },
    "refund": {
        "failure_balance_transaction": "only after a refund fails",
    },
    "event": {
        "account": "Connect only",
        "context": "only for events of other accounts or contexts",
    },
    "item": {
        "adjustable_quantity": "only when set",
        "discounts": "includable: only with expand",
        "taxes": "includable: only with expand",
    },
    "price": {
        "currency_options": "includable: only with expand",
        "tiers": "includable: only with expand",
        "deleted": "only on a deleted price",
    },
    "payment_method": {
        "radar_options": "only when Radar options were given",
    },
}

#: Fields that appear once expanded: excluded from the "same fields in every state" check.
_INCLUDABLE = {("checkout.session", "line_items"), ("charge", "refunds")}
#: Fields Stripe adds in one state only (also excluded from that check).
_STATE_ONLY = {("refund", "failure_balance_transaction")}  # once a refund has failed


def _polymorphic_absent(obj: Body, cls: type) -> set[str]:
    """Hashes named after the *other* values of ``type`` (``payment_method.card`` ...)."""
    fields = resource_fields(cls)
    if "type" not in fields:
        return set()
    values = literal_values(fields["type"].tp) or ()
    return {v for v in values if v != obj.get("type") and v in fields}


class Recorder:
    """Drives the sandbox over HTTP and keeps every JSON body under a label."""

    def __init__(self, api: httpx.Client, page: httpx.Client) -> None:
        self.api = api
        self.page = page
        self.bodies: dict[str, Body] = {}

    def call(
        self,
        label: str,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        expect: int = 200,
    ) -> Body:
        pairs = encode(params or {})
        if method == "POST":
            r = self.api.post(path, data=dict(pairs))
        else:
            r = self.api.get(path, params=pairs)
        assert r.status_code == expect, f"{label}: {r.status_code} {r.text}"
        body: Body = r.json()
        self.bodies[label] = body
        return body

    def pay(self, url: str, number: str) -> None:
        form = with_token(self.page, url, card_form(number))
        r = self.page.post(url, data=form, follow_redirects=False)
        assert r.status_code in (200, 303), r.text


def _run_flows(rec: Recorder) -> None:
    soon = int(time.time()) + 31 * 60
    opened = rec.call(
        "session.open",
        "POST",
        "/v1/checkout/sessions",
        session_params(
            customer_email="ada@example.com",
            client_reference_id="bk_contract",
            expires_at=soon,
            success_url="https://shop.example/ok",
            cancel_url="https://shop.example/back",
        ),
    )
    sid = opened["id"]
    rec.pay(opened["url"], "4000000000000002")
    declined = rec.call("session.open.after_decline", "GET", f"/v1/checkout/sessions/{sid}")
    pi_id = declined["payment_intent"]
    pi = rec.call("payment_intent.after_decline", "GET", f"/v1/payment_intents/{pi_id}")
    rec.call("charge.failed", "GET", f"/v1/charges/{pi['latest_charge']}")

    # Stripe's "asynchronous success" refund card: its refunds are pending at first.
    rec.pay(opened["url"], "4000000000007726")
    rec.call("session.complete", "GET", f"/v1/checkout/sessions/{sid}")
    rec.call(
        "session.complete.expanded",
        "GET",
        f"/v1/checkout/sessions/{sid}",
        {"expand": ["payment_intent", "line_items"]},
    )
    rec.call("payment_intent.succeeded", "GET", f"/v1/payment_intents/{pi_id}")
    pi = rec.call(
        "payment_intent.expanded",
        "GET",
        f"/v1/payment_intents/{pi_id}",
        {"expand": ["latest_charge.balance_transaction"]},
    )
    charge_id = pi["latest_charge"]["id"]
    charge = rec.call("charge.succeeded", "GET", f"/v1/charges/{charge_id}")
    rec.call(
        "charge.expanded",
        "GET",
        f"/v1/charges/{charge_id}",
        {"expand": ["balance_transaction", "refunds", "payment_intent"]},
    )
    rec.call(
        "balance_transaction.charge",
        "GET",
        f"/v1/balance_transactions/{charge['balance_transaction']}",
    )
    rec.call("line_items", "GET", f"/v1/checkout/sessions/{sid}/line_items")

    refund = rec.call(
        "refund.pending",
        "POST",
        "/v1/refunds",
        {
            "payment_intent": pi_id,
            "amount": 500,
            "reason": "requested_by_customer",
            "metadata": {"refund_id": "rf_1"},
        },
    )
    deadline = time.monotonic() + 10
    while True:
        done = rec.call(
            "refund.succeeded",
            "GET",
            f"/v1/refunds/{refund['id']}",
            {"expand": ["balance_transaction", "charge"]},
        )
        if done["status"] == "succeeded" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert done["status"] == "succeeded"
    rec.call(
        "balance_transaction.refund",
        "GET",
        f"/v1/balance_transactions/{done['balance_transaction']['id']}",
    )
    rec.call("charge.partly_refunded", "GET", f"/v1/charges/{charge_id}")
    rec.call("refund.rest", "POST", "/v1/refunds", {"payment_intent": pi_id})

    # Stripe's "asynchronous failure" refund card: succeeded, then failed.
    failing = rec.call("session.refund_fails", "POST", "/v1/checkout/sessions", session_params())
    rec.pay(failing["url"], "4000000000005126")
    paid = rec.call("session.refund_fails.paid", "GET", f"/v1/checkout/sessions/{failing['id']}")
    doomed = rec.call(
        "refund.succeeded.at_once",
        "POST",
        "/v1/refunds",
        {"payment_intent": paid["payment_intent"], "amount": 300},
    )
    deadline = time.monotonic() + 10
    while True:
        failed = rec.call("refund.failed", "GET", f"/v1/refunds/{doomed['id']}")
        if failed["status"] == "failed" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert failed["status"] == "failed"
    rec.call(
        "balance_transaction.refund_failure",
        "GET",
        f"/v1/balance_transactions/{failed['failure_balance_transaction']}",
    )

    other = rec.call("session.to_expire", "POST", "/v1/checkout/sessions", session_params())
    rec.call("session.expired", "POST", f"/v1/checkout/sessions/{other['id']}/expire")

    abandoned = rec.call(
        "session.declined_then_expired", "POST", "/v1/checkout/sessions", session_params()
    )
    rec.pay(abandoned["url"], "4000000000009995")
    gone = rec.call(
        "session.expired.with_pi", "POST", f"/v1/checkout/sessions/{abandoned['id']}/expire"
    )
    rec.call("payment_intent.canceled", "GET", f"/v1/payment_intents/{gone['payment_intent']}")

    challenged = rec.call("session.3ds", "POST", "/v1/checkout/sessions", session_params())
    rec.pay(challenged["url"], "4000002760003184")
    waiting = rec.call("session.3ds.waiting", "GET", f"/v1/checkout/sessions/{challenged['id']}")
    rec.call(
        "payment_intent.requires_action", "GET", f"/v1/payment_intents/{waiting['payment_intent']}"
    )

    rec.call(
        "list.sessions",
        "GET",
        "/v1/checkout/sessions",
        {"limit": 100, "expand": ["data.payment_intent"]},
    )
    rec.call("list.sessions.complete", "GET", "/v1/checkout/sessions", {"status": "complete"})
    rec.call("list.refunds", "GET", "/v1/refunds", {"limit": 100})
    since = {"gte": int(time.time()) - 3600}
    rec.call("list.charges", "GET", "/v1/charges", {"limit": 100, "created": since})
    rec.call(
        "list.charges.expanded",
        "GET",
        "/v1/charges",
        {"payment_intent": pi_id, "expand": ["data.balance_transaction"]},
    )
    rec.call(
        "list.balance_transactions",
        "GET",
        "/v1/balance_transactions",
        {"limit": 100, "created": since},
    )
    events = rec.call("list.events", "GET", "/v1/events", {"limit": 100})
    rec.call("event", "GET", f"/v1/events/{events['data'][0]['id']}")

    rec.call("error.missing", "GET", "/v1/checkout/sessions/cs_test_missing", expect=404)
    rec.call("error.param", "POST", "/v1/checkout/sessions", {"mode": "payment"}, expect=400)
    rec.call("error.unknown", "POST", "/v1/refunds", {"nope": "1"}, expect=400)
    rec.call("error.business", "POST", "/v1/refunds", {"payment_intent": pi_id}, expect=400)
    rec.call("error.expire_closed", "POST", f"/v1/checkout/sessions/{sid}/expire", expect=400)


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Body]]:
    db = tmp_path_factory.mktemp("fidelity_responses") / "sandbox.sqlite3"
    handle = start_app_in_thread(
        lambda url: create_app(Path(db), public_base_url=url, refund_settle_seconds=0.1)
    )
    try:
        with (
            patient_http(handle.url, timeout=10, headers={"Authorization": f"Bearer {KEY}"}) as api,
            httpx.Client(timeout=10) as page,
        ):
            rec = Recorder(api, page)
            _run_flows(rec)
            yield rec.bodies
    finally:
        handle.stop()


def _objects(bodies: dict[str, Body]) -> Iterator[tuple[str, Body]]:
    """Every object with an ``object`` value, anywhere in any successful body."""
    for label, body in bodies.items():
        if "error" in body:
            continue
        for path, obj in walk_objects(body):
            yield f"{label}:{path}", obj


# -- declared fields and types ------------------------------------------------------------


def test_every_field_is_declared_and_typed(bodies: dict[str, Body]) -> None:
    problems: list[str] = []
    for label, body in bodies.items():
        if "error" in body:
            problems += check_json(body["error"], ErrorObject, f"{label}:error")
            continue
        cls = object_class(body["object"])
        assert cls is not None, f"{label}: the SDK knows no object {body['object']!r}"
        problems += check_json(body, cls, label)
    assert not problems, "\n".join(problems)


def test_flows_cover_every_object_and_state(bodies: dict[str, Body]) -> None:
    seen = {(obj["object"], obj.get("status")) for _, obj in _objects(bodies)}
    for expected in [
        ("checkout.session", "open"),
        ("checkout.session", "complete"),
        ("checkout.session", "expired"),
        ("payment_intent", "requires_payment_method"),
        ("payment_intent", "succeeded"),
        ("payment_intent", "requires_action"),
        ("payment_intent", "canceled"),
        ("charge", "failed"),
        ("charge", "succeeded"),
        ("refund", "pending"),
        ("refund", "succeeded"),
        ("refund", "failed"),
        ("balance_transaction", "available"),
        ("event", None),
        ("item", None),
        ("payment_method", None),
        ("list", None),
    ]:
        assert expected in seen, expected
    types = {e["type"] for e in bodies["list.events"]["data"]}
    assert {
        "charge.failed",
        "charge.succeeded",
        "charge.refunded",
        "refund.created",
        "refund.updated",
        "refund.failed",
        "checkout.session.completed",
        "checkout.session.expired",
        "payment_intent.payment_failed",
        "payment_intent.succeeded",
        "payment_intent.canceled",
    } <= types


def test_event_types_are_stripes(bodies: dict[str, Body]) -> None:
    known = set(literal_values(resource_fields(stripe.Event)["type"].tp) or ())
    assert set(EVENT_TYPES) <= known, set(EVENT_TYPES) - known
    emitted = {e["type"] for e in bodies["list.events"]["data"]}
    assert emitted <= known, emitted - known


# -- fields the app reads -----------------------------------------------------------------


def _has_path(obj: Body, dotted: str) -> bool:
    node: Any = obj
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_fields_the_app_reads_are_always_present(bodies: dict[str, Body]) -> None:
    reads = app_reads()
    missing: list[str] = []
    checked: set[str] = set()
    for where, obj in _objects(bodies):
        kind = obj["object"]
        for dotted in sorted(reads.get(kind, ())):
            checked.add(kind)
            if not _has_path(obj, dotted):
                missing.append(f"{where}: {kind}.{dotted} is missing")
        if kind == "event":
            inner = obj["data"]["object"]
            checked.add("event.data")
            for dotted in sorted(reads.get("event.data", ())):
                if not _has_path(inner, dotted):
                    missing.append(f"{where}: data.object.{dotted} is missing")
    assert not missing, "\n".join(missing)
    assert checked >= set(reads), set(reads) - checked


def test_app_reads_are_what_the_brief_lists() -> None:
    """The parser finds (at least) the reads the adapter is known to make."""
    reads = app_reads()
    assert {
        "id",
        "status",
        "payment_status",
        "amount_total",
        "currency",
        "url",
        "expires_at",
        "payment_intent",
        "metadata",
    } <= reads["checkout.session"]
    assert {
        "id",
        "status",
        "amount",
        "amount_received",
        "currency",
        "latest_charge",
        "metadata",
    } <= reads["payment_intent"]
    assert {
        "id",
        "status",
        "amount",
        "currency",
        "payment_intent",
        "failure_reason",
        "metadata",
    } <= reads["refund"]
    assert {"id", "type", "created", "data.object"} <= reads["event"]
    assert {"object", "id", "metadata"} <= reads["event.data"]
    assert {"has_more", "data"} <= reads["list"]


# -- absent and unstable fields ----------------------------------------------------------


def test_declared_fields_are_left_out_only_where_stripe_leaves_them_out(
    bodies: dict[str, Body],
) -> None:
    problems: list[str] = []
    used: dict[str, set[str]] = {}
    for where, obj in _objects(bodies):
        kind = obj["object"]
        cls = object_class(kind)
        if cls is None or kind == "list":
            continue
        absent = declared_but_absent(obj, cls) - _polymorphic_absent(obj, cls)
        allowed = OMITTED_BY_STRIPE.get(kind, {})
        used.setdefault(kind, set()).update(absent & set(allowed))
        for name in sorted(absent - set(allowed)):
            problems.append(f"{where}: {kind}.{name} is declared by the SDK but missing")
    assert not problems, "\n".join(problems)
    # Entries the sandbox now sends are stale and must go (the table stays true).
    stale = {
        f"{k}.{n}"
        for k, names in OMITTED_BY_STRIPE.items()
        for n in names
        if k in used and n not in used[k]
    }
    stale -= {f"{k}.{n}" for k, n in _INCLUDABLE}
    assert not stale, f"the sandbox sends these now; drop them from OMITTED_BY_STRIPE: {stale}"


def test_an_object_type_has_the_same_fields_in_every_state(bodies: dict[str, Body]) -> None:
    shapes: dict[str, dict[frozenset[str], str]] = {}
    for where, obj in _objects(bodies):
        kind = obj["object"]
        if kind == "list":
            continue
        keys = frozenset(
            k for k in obj if (kind, k) not in _INCLUDABLE and (kind, k) not in _STATE_ONLY
        )
        shapes.setdefault(kind, {}).setdefault(keys, where)
    problems = []
    for kind, variants in shapes.items():
        if len(variants) > 1:
            union = frozenset().union(*variants)
            for keys, where in variants.items():
                problems.append(f"{kind} at {where} lacks {sorted(union - keys)}")
    assert not problems, "\n".join(problems)


# -- the checker itself can fail ---------------------------------------------------------


def _mutations(session: Body) -> list[tuple[str, Body]]:
    out = []
    for name, change in [
        ("undeclared field", lambda b: b.update(not_a_field=1)),
        ("float amount", lambda b: b.update(amount_total=float(b["amount_total"]))),
        ("string timestamp", lambda b: b.update(created=str(b["created"]))),
        ("null non-nullable", lambda b: b.update(livemode=None)),
        ("bad enum", lambda b: b.update(status="paid")),
        ("old ui_mode", lambda b: b.update(ui_mode="hosted")),
        ("nested undeclared", lambda b: b["total_details"].update(amount_tip=0)),
        ("metadata not string", lambda b: b["metadata"].update(n=1)),
    ]:
        mutated = copy.deepcopy(session)
        change(mutated)
        out.append((name, mutated))
    return out


def test_the_checker_rejects_broken_copies_of_real_bodies(bodies: dict[str, Body]) -> None:
    session = bodies["session.open"]
    assert check_json(session, stripe.checkout.Session) == []
    for name, mutated in _mutations(session):
        assert check_json(mutated, stripe.checkout.Session), name
    charge = copy.deepcopy(bodies["charge.succeeded"])
    charge["payment_method_details"]["card"]["checks"]["cvc_result"] = "pass"
    assert check_json(charge, stripe.Charge)
    event = copy.deepcopy(bodies["event"])
    event["data"]["object"]["amount"] = 1.5
    assert check_json(event, stripe.Event)
    assert json.dumps(bodies["list.events"])  # plain JSON throughout
