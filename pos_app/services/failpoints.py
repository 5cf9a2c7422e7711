"""Named points where a test can kill the process, to prove that a crash loses nothing.

``POS_FAILPOINTS=checkout.after_create`` (comma-separated names) makes the process die with
SIGKILL when it reaches that point, as a power cut would. Unset, each point costs one set
lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "POS_FAILPOINTS"
_ACTIVE = frozenset(filter(None, (n.strip() for n in os.environ.get(ENV, "").split(","))))


def hit(name: str) -> None:
    """Die here, now, without cleanup, if the failpoint ``name`` is active."""
    if name in _ACTIVE:
        kill = getattr(signal, "SIGKILL", None)
        if kill is not None:
            os.kill(os.getpid(), kill)
        os._exit(137)  # platforms without SIGKILL
