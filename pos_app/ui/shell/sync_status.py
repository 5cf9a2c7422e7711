"""What the status bar says about the connection to Stripe, from the sync results.

Pure logic (no widgets) so the wording and timing rules are easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from pos_app.domain.errors import GatewayAuthError, GatewayPermissionError, PosError
from pos_app.i18n import _

OFFLINE_AFTER_SECONDS = 10.0  # a blip is "retrying"; this long without success is "offline"


class Link(StrEnum):
    """The connection's state, which also picks the status bar colour."""

    UNKNOWN = "unknown"
    CONNECTED = "connected"
    RETRYING = "retrying"
    OFFLINE = "offline"


@dataclass(frozen=True)
class StatusLine:
    """Text and state for the status bar."""

    state: Link
    text: str
    detail: str = ""


class ConnectionTracker:
    """Turns a stream of sync successes and failures into one status line."""

    def __init__(self, timezone: tzinfo) -> None:
        self._tz = timezone
        self._failing_since: datetime | None = None
        self._line = StatusLine(Link.UNKNOWN, _("Stripe: checking…"))

    @property
    def line(self) -> StatusLine:
        """The current status line."""
        return self._line

    def succeeded(self, errors: list[str] | None = None) -> StatusLine:
        """A sync pass reached Stripe (``errors``: per-item problems it reported)."""
        self._failing_since = None
        self._line = StatusLine(Link.CONNECTED, _("Stripe: connected"), " ".join(errors or []))
        return self._line

    def failed(
        self, error: BaseException, now: datetime, retry_in: float | None = None
    ) -> StatusLine:
        """A sync pass failed at ``now`` (aware); the next try is ``retry_in`` seconds away."""
        detail = error.message if isinstance(error, PosError) else ""
        if isinstance(error, GatewayPermissionError):
            # The key works; the detail names the permission to add.
            self._line = StatusLine(Link.OFFLINE, _("Stripe: key lacks a permission"), detail)
            return self._line
        if isinstance(error, GatewayAuthError):
            self._line = StatusLine(Link.OFFLINE, _("Stripe: API key refused"), detail)
            return self._line
        if self._failing_since is None:
            self._failing_since = now
        elapsed = (now - self._failing_since).total_seconds()
        if elapsed < OFFLINE_AFTER_SECONDS:
            text = (
                _("Stripe: retrying…")
                if retry_in is None
                else _("Stripe: retrying in {seconds} s").format(seconds=f"{retry_in:.0f}")
            )
            self._line = StatusLine(Link.RETRYING, text, detail)
        else:
            from pos_app.domain import locale_format as lf  # (babel: not before the window)

            since = lf.clock(self._failing_since.astimezone(self._tz))
            self._line = StatusLine(
                Link.OFFLINE, _("Stripe: offline since {time}").format(time=since), detail
            )
        return self._line
