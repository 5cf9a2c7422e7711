"""The hosted payment page at ``/c/pay/{session_id}`` (what Checkout's URL opens)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pos_app.sandbox import bounded_body, cards, money, payments, sessions
from pos_app.sandbox.core import Sandbox
from pos_app.sandbox.page_security import PageGuard
from pos_app.sandbox.sessions import KIND as SESSION_KIND
from pos_app.sandbox.store import Record, Tx

JsonDict = dict[str, Any]

TEMPLATES_DIR = Path(__file__).parent / "templates"

_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "jcb": "JCB",
    "diners": "Diners Club",
    "unionpay": "UnionPay",
}
_VERBS = {"book": ("Book", "Book with"), "donate": ("Donate", "Donate to")}
_FORM_FIELDS = ("card_number", "exp", "cvc", "name", "email")


def make_templates() -> Environment:
    """The Jinja2 environment for the page (autoescaped; no external assets)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class PageResult:
    """A page to render (or a redirect), decided off the event loop."""

    template: str = "message.html"
    context: JsonDict = field(default_factory=dict)
    status: int = 200
    redirect: str | None = None


def _card_text(brand: str, last4: str) -> str:
    return f"{_BRANDS.get(brand, brand.title())} •••• {last4}"


def _summary(sandbox: Sandbox, session: Record) -> JsonDict:
    body = session.body
    currency = str(body["currency"])
    verb, label = _VERBS.get(str(body.get("submit_type")), ("Pay", "Pay"))
    name = sandbox.settings.business_name
    items = session.internal.get("line_items", [])
    # Sessions stored before descriptions were kept have none.
    descriptions = session.internal.get("product_descriptions") or [None] * len(items)
    return {
        "business_name": name,
        "initial": (name.strip()[:1] or "S").upper(),
        "session_id": session.id,
        "cancel_url": body.get("cancel_url"),
        "customer_email": sessions.prefilled_email(session),
        "total": money.format_amount(int(body["amount_total"]), currency),
        "verb": verb,
        "pay_label": label,
        "items": [
            {
                "name": li["description"],
                # Shown under the name, as Stripe's page shows product_data.description.
                "description": about or "",
                "quantity": li["quantity"],
                "unit": money.format_amount(int(li["price"]["unit_amount"]), currency),
                "amount": money.format_amount(int(li["amount_total"]), currency),
            }
            for li, about in zip(items, descriptions, strict=True)
        ],
    }


def _pay_page(
    sandbox: Sandbox,
    session: Record,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str | None = None,
) -> PageResult:
    context = _summary(sandbox, session)
    context.update(
        action_url=f"/c/pay/{session.id}",
        values={k: (values or {}).get(k, "") for k in _FORM_FIELDS},
        errors=errors or {},
        alert=alert,
        show_cards=False,
        test_cards=[
            {
                "spaced": " ".join(c.number[i : i + 4] for i in range(0, len(c.number), 4)),
                "label": c.label,
            }
            for c in cards.TEST_CARDS.values()
            if c.show_on_page
        ],
    )
    return PageResult("pay.html", context)


def _paid_card(tx: Tx, session: Record) -> str | None:
    pi_id = session.body.get("payment_intent")
    pi = tx.get(pi_id) if isinstance(pi_id, str) else None
    charge_id = None if pi is None else pi.body.get("latest_charge")
    charge = tx.get(charge_id) if isinstance(charge_id, str) else None
    if charge is None:
        return None
    card = charge.body["payment_method_details"]["card"]
    return _card_text(str(card["brand"]), str(card["last4"]))


def _closed_page(sandbox: Sandbox, tx: Tx, session: Record, *, just_paid: bool) -> PageResult:
    summary = _summary(sandbox, session)
    name = summary["business_name"]
    if session.status == "complete":
        card = _paid_card(tx, session)
        success_url = session.body.get("success_url")
        return PageResult(
            context={
                **summary,
                "state": "paid" if just_paid else "complete",
                "badge": "✓",
                "badge_class": "",
                "heading": "Payment successful" if just_paid else "This payment is complete",
                "amount": summary["total"],
                "lines": [f"Paid to {name}."],
                "details": [("Card", card)] if card else [],
                "link_url": success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
                if isinstance(success_url, str)
                else None,
                "link_text": f"Return to {name}",
            }
        )
    return PageResult(
        context={
            **summary,
            "state": "expired",
            "badge": "!",
            "badge_class": "grey",
            "heading": "This link has expired",
            "amount": None,
            "lines": [f"Nothing was charged. Ask {name} for a new payment link."],
            "details": [],
            "link_url": session.body.get("cancel_url"),
            "link_text": f"Return to {name}",
        }
    )


def _not_found(sandbox: Sandbox) -> PageResult:
    return PageResult(
        status=404,
        context={
            "business_name": sandbox.settings.business_name,
            "state": "not_found",
            "badge": "?",
            "badge_class": "grey",
            "heading": "Page not found",
            "lines": ["This payment link does not exist. Check the link or ask for a new one."],
            "details": [],
        },
    )


def thanks(sandbox: Sandbox, session_id: str | None, *, left: bool) -> PageResult:
    """GET ``/c/thanks``: where a business without a website sends customers (the app's
    default ``success_url`` and ``cancel_url`` in sandbox mode)."""
    name = sandbox.settings.business_name
    context: JsonDict = {"business_name": name, "details": [], "amount": None}
    if left:
        context.update(state="left", badge="←", badge_class="grey", heading="You left the page")
        context["lines"] = [f"Nothing was charged. Ask {name} for the link again to pay."]
        return PageResult(context=context)
    session = None
    if session_id:
        with sandbox.store.snapshot() as tx:
            session = tx.get(session_id, SESSION_KIND)
    lines = ["You can close this page."]
    if session is not None and session.status == "complete":
        context["amount"] = _summary(sandbox, session)["total"]
        done = session.body.get("payment_status") == "paid"
        lines.insert(0, f"Your payment to {name} is " + ("complete." if done else "processing."))
    context.update(state="thanks", badge="✓", badge_class="", heading="Thank you", lines=lines)
    return PageResult(context=context)


def _challenge(sandbox: Sandbox, session: Record, pending: JsonDict) -> PageResult:
    context = _summary(sandbox, session)
    context.update(
        action_url=f"/c/pay/{session.id}/authenticate",
        card=_card_text(str(pending["brand"]), str(pending["last4"])),
    )
    return PageResult("authenticate.html", context)


def _pending_card(tx: Tx, session: Record) -> JsonDict | None:
    pi_id = session.body.get("payment_intent")
    pi = tx.get(pi_id, "payment_intent") if isinstance(pi_id, str) else None
    if pi is None or pi.status != "requires_action":
        return None
    pending = pi.internal.get("pending_card")
    return pending if isinstance(pending, dict) else None


def show(sandbox: Sandbox, session_id: str) -> PageResult:
    """GET: the form, the 3-D Secure step, or a closed/expired/unknown notice."""
    sandbox.sweep()
    with sandbox.store.snapshot() as tx:
        session = tx.get(session_id, SESSION_KIND)
        if session is None:
            return _not_found(sandbox)
        if session.status != "open":
            return _closed_page(sandbox, tx, session, just_paid=False)
        pending = _pending_card(tx, session)
        if pending is not None:
            return _challenge(sandbox, session, pending)
        return _pay_page(sandbox, session)


def _after(
    sandbox: Sandbox, session_id: str, outcome: payments.Outcome, values: dict[str, str]
) -> PageResult:
    """The page that follows an attempt, read after its transaction committed."""
    with sandbox.store.snapshot() as tx:
        session = tx.get(session_id, SESSION_KIND)
        if session is None:
            return _not_found(sandbox)
        if outcome.kind == "paid":
            success_url = session.body.get("success_url")
            if isinstance(success_url, str):
                return PageResult(redirect=success_url.replace("{CHECKOUT_SESSION_ID}", session_id))
            return _closed_page(sandbox, tx, session, just_paid=True)
        if session.status != "open":
            return _closed_page(sandbox, tx, session, just_paid=False)
        if outcome.kind == "requires_action":
            pending = _pending_card(tx, session)
            if pending is not None:
                return _challenge(sandbox, session, pending)
        if outcome.kind == "declined":
            return _pay_page(sandbox, session, values=values, alert=outcome.message)
        return _pay_page(sandbox, session, values=values)


def submit(sandbox: Sandbox, session_id: str, form: dict[str, str], base_url: str) -> PageResult:
    """POST of the card form."""
    sandbox.sweep()
    ctx = sandbox.ctx(base_url)
    values = {k: form.get(k, "").strip() for k in _FORM_FIELDS}
    with sandbox.store.snapshot() as tx:
        session = tx.get(session_id, SESSION_KIND)
        if session is None:
            return _not_found(sandbox)
        email = values["email"] or sessions.prefilled_email(session)
    today = dt.datetime.fromtimestamp(ctx.now, dt.UTC).date()
    checked = cards.check_form(
        number=values["card_number"],
        exp=values["exp"],
        cvc=values["cvc"],
        name=values["name"],
        email=email,
        today=today,
    )
    if checked.errors:
        with sandbox.store.snapshot() as tx:
            session = tx.get(session_id, SESSION_KIND)
            if session is None:
                return _not_found(sandbox)
            if session.status != "open":
                return _closed_page(sandbox, tx, session, just_paid=False)
            return _pay_page(sandbox, session, values=values, errors=checked.errors)
    with sandbox.store.transaction() as tx:
        outcome = payments.attempt(tx, ctx, session_id, checked)
    return _after(sandbox, session_id, outcome, values)


def authenticate(sandbox: Sandbox, session_id: str, action: str, base_url: str) -> PageResult:
    """POST from the 3-D Secure step."""
    sandbox.sweep()
    ctx = sandbox.ctx(base_url)
    with sandbox.store.transaction() as tx:
        outcome = payments.authenticate(tx, ctx, session_id, approve=action == "complete")
    if outcome.kind == "noop":
        return PageResult(redirect=f"/c/pay/{session_id}")
    return _after(sandbox, session_id, outcome, {})


def _refusal(sandbox: Sandbox, session_id: str, status: int) -> PageResult:
    """403 (no or wrong CSRF token) or 413 (form too large): nothing was looked at."""
    heading = "This page is out of date" if status == 403 else "That was too much to send"
    return PageResult(
        status=status,
        context={
            "business_name": sandbox.settings.business_name,
            "state": "refused",
            "badge": "!",
            "badge_class": "grey",
            "heading": heading,
            "amount": None,
            "lines": ["Nothing was charged. Reload the payment page and try again."],
            "details": [],
            "link_url": f"/c/pay/{session_id}",
            "link_text": "Reload the payment page",
        },
    )


async def _form(request: Request) -> dict[str, str] | None:
    """The page's url-encoded form, or ``None`` when the body is over the cap."""
    body = await bounded_body.read_capped(request, bounded_body.PAGE_MAX_BODY_BYTES)
    if body is None:
        return None
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The page's routes."""
    templates = make_templates()
    guard = PageGuard()

    def respond(request: Request, result: PageResult, session_id: str | None = None) -> Response:
        """Render ``result`` with a fresh nonce, the security headers and, on a session's
        page, this browser's CSRF token (setting its cookie the first time)."""
        nonce = guard.new_nonce()
        browser, new = guard.browser_or_new(request)
        if result.redirect is not None:
            response: Response = RedirectResponse(result.redirect, status_code=303)
        else:
            context = {**result.context, "csp_nonce": nonce}
            if session_id is not None:
                context["csrf_token"] = guard.token(browser, session_id)
            html = templates.get_template(result.template).render(**context)
            response = HTMLResponse(
                html, status_code=result.status, headers={"Cache-Control": "no-store"}
            )
        return guard.dress(response, nonce, browser if new and session_id is not None else None)

    async def checked_form(request: Request, session_id: str) -> dict[str, str] | Response:
        """The POSTed form once it passed the size cap and the CSRF check, else the refusal."""
        form = await _form(request)
        if form is None:
            return respond(request, _refusal(sandbox, session_id, 413), session_id)
        if not guard.check(request, session_id, form):
            return respond(request, _refusal(sandbox, session_id, 403), session_id)
        return form

    async def get_page(request: Request) -> Response:
        session_id = request.path_params["session_id"]
        result = await run_in_threadpool(show, sandbox, session_id)
        return respond(request, result, session_id)

    async def post_page(request: Request) -> Response:
        session_id = request.path_params["session_id"]
        form = await checked_form(request, session_id)
        if isinstance(form, Response):
            return form
        result = await run_in_threadpool(submit, sandbox, session_id, form, str(request.base_url))
        return respond(request, result, session_id)

    async def post_auth(request: Request) -> Response:
        session_id = request.path_params["session_id"]
        form = await checked_form(request, session_id)
        if isinstance(form, Response):
            return form
        result = await run_in_threadpool(
            authenticate, sandbox, session_id, form.get("action", ""), str(request.base_url)
        )
        return respond(request, result, session_id)

    async def not_found(request: Request) -> Response:
        return respond(request, _not_found(sandbox))

    async def get_thanks(request: Request) -> Response:
        query = request.query_params
        result = await run_in_threadpool(
            thanks, sandbox, query.get("session_id"), left=query.get("left") == "1"
        )
        return respond(request, result)

    return [
        Route("/c/pay/{session_id}", get_page, methods=["GET"]),
        Route("/c/pay/{session_id}", post_page, methods=["POST"]),
        Route("/c/pay/{session_id}/authenticate", post_auth, methods=["POST"]),
        Route("/c/thanks", get_thanks, methods=["GET"]),
        Route("/c/{rest:path}", not_found, methods=["GET", "POST"]),
    ]
