"""An offline, Stripe-compatible server: a subset of the API plus a hosted payment page.

A separate program that the app talks to over HTTP exactly as it talks to Stripe (through
the official SDK). It imports nothing from the rest of ``pos_app`` but ``pos_app.redaction``,
the standard-library-only rule that masks secrets in its log as in the app's.
"""

__version__ = "0.1.0"
