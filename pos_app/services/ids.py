"""Local identifiers and the idempotency keys derived from them."""

from __future__ import annotations

import uuid


def new_id(prefix: str) -> str:
    """A random id with a readable prefix, e.g. ``bk_3f2a…``."""
    return f"{prefix}_{uuid.uuid4().hex}"


def idempotency_key(operation: str, local_id: str) -> str:
    """The key for one Stripe mutation on one local object: the same on every retry."""
    return f"pos-app:{operation}:{local_id}"
