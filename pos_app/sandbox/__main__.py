"""``python -m pos_app.sandbox --data-dir DIR [--host H] [--port P] [options]``.

See ``docs/sandbox-controls.md`` for test controls, webhooks and LAN mode.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from pos_app.sandbox import behaviour, discovery, lan, log_setup
from pos_app.sandbox.runner import serve


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m pos_app.sandbox",
        description="Offline Stripe-compatible sandbox (API subset + hosted payment page).",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=True,
        help="directory for sandbox.sqlite3, sandbox.json and sandbox.log",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; 0.0.0.0 serves the LAN (payment page URLs then use this "
        "machine's LAN address, the API record stays on 127.0.0.1)",
    )
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    parser.add_argument(
        "--business-name",
        default=behaviour.DEFAULT_BUSINESS_NAME,
        help="name shown on the payment page",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=behaviour.TEST_MODE_RATE_LIMIT,
        metavar="N",
        help=f"answer 429 above N API requests a second (default {behaviour.TEST_MODE_RATE_LIMIT}, "
        "Stripe's test-mode limit); 0 switches limiting off",
    )
    parser.add_argument(
        "--public-url",
        default=None,
        help="base URL put into payment page links (e.g. http://192.168.1.20:12111); "
        "overrides the LAN address chosen for --host 0.0.0.0",
    )
    parser.add_argument(
        "--enable-test-controls",
        action="store_true",
        help=f"mount the test controls under {behaviour.CONTROLS_PREFIX} (clock, faults, "
        "webhook delivery log); never use outside tests",
    )
    parser.add_argument(
        "--webhook-url",
        default=None,
        help="register a webhook endpoint receiving every event at this URL",
    )
    parser.add_argument(
        "--webhook-secret",
        default=None,
        help="signing secret (whsec_...) for --webhook-url; if omitted, one is generated "
        "into DATA_DIR/webhook-secret",
    )
    args = parser.parse_args(argv)
    if args.rate_limit < 0:
        parser.error("--rate-limit takes 0 (off) or a number of requests a second")
    if args.webhook_secret is not None and args.webhook_url is None:
        parser.error("--webhook-secret needs --webhook-url")
    if args.public_url is not None:
        try:
            lan.check_public_url(args.public_url)
        except ValueError as err:
            parser.error(str(err))
    # Secrets masked in every line (rule 7): this process writes the sandbox.log the app keeps.
    log_setup.configure()
    data_dir: Path = args.data_dir
    # Its database holds customers' e-mails and its webhook secret: private from the first byte.
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Ctrl+C arrives as KeyboardInterrupt after uvicorn's graceful shutdown: nothing to report.
    with contextlib.suppress(KeyboardInterrupt):
        serve(
            discovery.db_path(data_dir),
            args.host,
            args.port,
            discovery.record_path(data_dir),
            business_name=args.business_name,
            rate_limit_per_second=args.rate_limit or None,
            enable_controls=args.enable_test_controls,
            public_url=args.public_url,
            webhook_url=args.webhook_url,
            webhook_secret=args.webhook_secret,
        )


if __name__ == "__main__":
    main()
