"""`pos-app report` and `pos-app export`: sales figures, the CSV and the PDF sales report."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from pos_app.cli.input import parse_date
from pos_app.cli.output import print_json, raw_stdout
from pos_app.domain import locale_format as lf
from pos_app.domain.errors import PosError
from pos_app.i18n import gettext, ngettext

if TYPE_CHECKING:  # the app (SQLAlchemy, Alembic, stripe) loads only when a command needs it
    from pos_app.app import AppContext


def report(ctx: AppContext, args: argparse.Namespace) -> int:
    """A business day's or a range's sales figures."""
    from pos_app.reports.render.sales_text import render_text

    if args.report_kind == "daily":
        day = (
            parse_date(args.date, "date")
            if args.date is not None  # --date "" is refused, not taken as today
            else datetime.now(UTC).astimezone(ctx.config.timezone).date()
        )
        report = ctx.reports.daily(day)
    else:
        report = ctx.reports.range(parse_date(args.start, "start"), parse_date(args.end, "end"))
    if args.json:
        print_json(report.to_json())
    else:
        print(render_text(report), end="")
    return 0


def export(ctx: AppContext, args: argparse.Namespace) -> int:
    """Payments and refunds of a range of days as CSV (or PDF)."""
    start, end = parse_date(args.start, "start"), parse_date(args.end, "end")
    if args.export_kind == "pdf":
        return _export_pdf(ctx, start, end, args)
    if str(args.path) == "-":  # the CSV itself on stdout, for a pipe; nothing else printed
        with raw_stdout() as out:
            ctx.csv_export.write(start, end, out)
        return 0
    result = ctx.csv_export.export(start, end, args.path)
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "rows": result.rows,
                "payments": result.payments,
                "refunds": result.refunds,
            }
        )
    else:
        rows = ngettext("{count} row", "{count} rows", result.rows)
        payments = ngettext("{count} payment", "{count} payments", result.payments)
        refunds = ngettext("{count} refund", "{count} refunds", result.refunds)
        print(
            gettext("Wrote {rows} ({payments}, {refunds}) to {path}.").format(
                rows=rows.format(count=lf.number(result.rows)),
                payments=payments.format(count=lf.number(result.payments)),
                refunds=refunds.format(count=lf.number(result.refunds)),
                path=result.path,
            )
        )
    return 0


def _export_pdf(ctx: AppContext, start: date, end: date, args: argparse.Namespace) -> int:
    """The sales report as a PDF, drawn by Qt offscreen (lazy import: other commands never
    load Qt)."""
    from pos_app.printing.sales_report import write_report_pdf_offscreen

    report = ctx.reports.daily(start) if start == end else ctx.reports.range(start, end)
    generated = datetime.now(UTC).astimezone(ctx.config.timezone)
    try:
        path = write_report_pdf_offscreen(
            report, args.path, business_name=ctx.config.business_name, generated_at=generated
        )
    except OSError as err:
        raise PosError(
            gettext("The PDF could not be written to {path}: {reason}.").format(
                path=args.path, reason=err.strerror or err
            )
        ) from err
    if args.json:
        print_json(
            {
                "path": str(path),
                "from": start.isoformat(),
                "to": end.isoformat(),
                "currencies": sorted(report.currencies),
            }
        )
    else:
        print(gettext("Saved the sales report to {path}.").format(path=path))
    return 0
