"""The status bar tells a key that lacks a permission from a key Stripe refuses."""

from __future__ import annotations

from datetime import UTC, datetime

from pos_app.domain.errors import GatewayAuthError, GatewayPermissionError
from pos_app.domain.stripe_permissions import denied_sentence
from pos_app.ui.shell.sync_status import ConnectionTracker, Link


def test_a_missing_permission_is_not_a_refused_key() -> None:
    tracker = ConnectionTracker(UTC)
    now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    sentence = denied_sentence("rak_event_read")
    line = tracker.failed(GatewayPermissionError(sentence, permission="rak_event_read"), now)
    assert (line.state, line.text) == (Link.OFFLINE, "Stripe: key lacks a permission")
    assert "Events: Read" in line.detail
    refused = tracker.failed(GatewayAuthError("Stripe did not accept this key."), now)
    assert refused.text == "Stripe: API key refused"
