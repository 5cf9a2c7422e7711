"""`pos-app sandbox` and `pos-app webhooks`: the two servers that run until Ctrl+C."""

from __future__ import annotations

import argparse
import sys

from pos_app.cli.input import UsageError
from pos_app.config import Config
from pos_app.i18n import gettext
from pos_app.logs import UVICORN_OPTIONS
from pos_app.private_files import ensure_private_dir


def sandbox(args: argparse.Namespace, config: Config) -> int:
    """Serve the Stripe-compatible sandbox on this computer."""
    from pos_app.sandbox.runner import serve

    ensure_private_dir(config.data_dir)
    where = (
        f"http://{args.host}:{args.port}"
        if args.port
        else gettext("{host}, on a free port").format(host=args.host)
    )
    print(
        gettext("Sandbox starting at {where}; press Ctrl+C to stop.").format(where=where),
        file=sys.stderr,
    )
    serve(
        config.data_dir / "sandbox.sqlite3",
        host=args.host,
        port=args.port,
        record_path=config.data_dir / "sandbox.json",
        enable_controls=args.enable_test_controls,
        public_url=args.public_url,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    return 0


def webhooks(args: argparse.Namespace, config: Config) -> int:
    """Receive Stripe's webhooks into the database."""
    import uvicorn

    from pos_app.sync.webhook_server import PATH, create_webhook_app

    if not config.webhook_secret:
        raise UsageError(
            gettext(
                "set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...); "
                "`stripe listen` prints it"
            )
        )
    from pos_app.app import open_app

    ctx = open_app(config, sandbox="detached")
    try:
        app = create_webhook_app(ctx.webhook_intake(config.webhook_secret))
        print(
            gettext("Receiving Stripe webhooks at {url} (Ctrl+C to stop).").format(
                url=f"http://{args.host}:{args.port}{PATH}"
            ),
            file=sys.stderr,
        )
        uvicorn.run(app, host=args.host, port=args.port, **UVICORN_OPTIONS)
    finally:
        ctx.close()
    return 0
