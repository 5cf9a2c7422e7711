"""Inbound channels from Stripe: the webhook receiver, and the poller that decides which
station reads the events feed for the business and when (the pass itself is a service)."""
