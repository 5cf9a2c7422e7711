"""``python -m pos_app.sandbox --data-dir DIR [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import contextlib
import logging
from pathlib import Path

from pos_app.sandbox import behaviour, discovery
from pos_app.sandbox.runner import serve


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m pos_app.sandbox",
        description="Offline Stripe-compatible sandbox (API subset + hosted payment page).",
    )
    parser.add_argument("--data-dir", type=Path, required=True,
                        help="directory for sandbox.sqlite3, sandbox.json and sandbox.log")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    parser.add_argument("--business-name", default=behaviour.DEFAULT_BUSINESS_NAME,
                        help="name shown on the payment page")
    parser.add_argument(
        "--rate-limit", action="store_const", const=behaviour.TEST_MODE_RATE_LIMIT,
        default=None,
        help=f"answer 429 above {behaviour.TEST_MODE_RATE_LIMIT} reads or writes per second, "
        "like Stripe test mode",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    data_dir: Path = args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    # Ctrl+C arrives as KeyboardInterrupt after uvicorn's graceful shutdown: nothing to report.
    with contextlib.suppress(KeyboardInterrupt):
        serve(discovery.db_path(data_dir), args.host, args.port,
              discovery.record_path(data_dir), business_name=args.business_name,
              rate_limit_per_second=args.rate_limit)


if __name__ == "__main__":
    main()
