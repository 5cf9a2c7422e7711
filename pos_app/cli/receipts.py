"""`pos-app receipt`: print a booking's receipt, save it as a PDF, or email it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.cli.output import print_json
from pos_app.domain.errors import PosError
from pos_app.i18n import gettext
from pos_app.reports.render.receipt import CUSTOMER, MERCHANT, render_text
from pos_app.services.receipt_model import Receipt

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def receipt(ctx: AppContext, args: argparse.Namespace) -> int:
    """Print, save or email a receipt; ``--json`` says what was done."""
    receipt = ctx.receipts.receipt(args.booking_id)
    data: dict[str, Any] = {"receipt": _receipt_json(receipt), "pdf": None, "email": None}
    if args.pdf is not None:
        data["pdf"] = str(_receipt_pdf(receipt, args.pdf))
    if args.email is not None:
        result = ctx.receipts.email_receipt(args.booking_id, args.email or None)
        data["email"] = {
            "email": result.email,
            "mode": result.mode,
            "sent": list(result.sent),
            "already_sent": list(result.already),
            "message": result.message,
        }
    if args.json:
        print_json(data)
        return 0
    if args.pdf is None and args.email is None:
        copy = MERCHANT if args.merchant_copy else CUSTOMER
        print(render_text(receipt, copy=copy), end="")
    if data["pdf"]:
        print(gettext("Saved the receipt to {path}.").format(path=data["pdf"]))
    if data["email"]:
        print(data["email"]["message"])
    return 0


def _receipt_pdf(receipt: Receipt, path: Path) -> Path:
    """Write the PDF with Qt, offscreen (lazy import: the other commands never load Qt)."""
    from pos_app.printing.receipt import write_pdf_offscreen

    try:
        return write_pdf_offscreen(receipt, path)
    except OSError as err:
        raise PosError(
            gettext("The PDF could not be written to {path}: {reason}.").format(
                path=path, reason=err.strerror or err
            )
        ) from err


def _receipt_json(receipt: Receipt) -> dict[str, Any]:
    return {
        "number": receipt.number,
        "booking_id": receipt.booking_id,
        "currency": receipt.price.currency,
        "price": receipt.price.amount,
        "paid": receipt.paid.amount,
        "refunded": receipt.refunded.amount,
        "refund_pending": receipt.refund_pending.amount,
        "balance_due": receipt.balance_due.amount,
        "payments": [
            {
                "id": p.payment_id,
                "method": p.method.value,
                "label": p.label,
                "part": p.part,
                "amount": p.amount.amount,
                "payment_intent_id": p.payment_intent_id,
                "charge_id": p.charge_id,
            }
            for p in receipt.payments
        ],
        "refunds": [
            {
                "id": r.refund_id,
                "amount": r.amount.amount,
                "status": r.status.value,
                "stripe_refund_id": r.stripe_refund_id,
            }
            for r in receipt.refunds
        ],
    }
