"""Inbound channels from Stripe: the webhook receiver (the event poller runs in services)."""
