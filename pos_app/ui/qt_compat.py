"""Work-arounds for bugs in the Qt binding, each detected at run time so it disarms itself.

PySide6 6.12 on CPython 3.11: ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every emit from Python drops one reference to ``True``. A GUI that emits
a few signals a second drives ``True``'s count to zero within hours and the interpreter
aborts ("bool_dealloc: deallocating True or False"). CPython 3.12+ makes ``True`` immortal,
and a fixed PySide6 returns a proper reference; either way the probe below finds nothing
to correct and :func:`emit` is a plain emit.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


def _emit_drops_a_reference() -> bool:
    """True if emitting from Python loses a reference to the bool it returns."""
    probe = _Probe()
    rounds = 16
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(rounds):
        probe.ping.emit()
    after = sys.getrefcount(True), sys.getrefcount(False)
    # Keep the damage of probing itself repaired.
    lost_true, lost_false = before[0] - after[0], before[1] - after[1]
    for obj, lost in ((True, lost_true), (False, lost_false)):
        for _ in range(max(0, lost)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
    return lost_true >= rounds or lost_false >= rounds


_COMPENSATE = _emit_drops_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, repairing the binding's reference count bug where present."""
    result = signal.emit(*args)
    if _COMPENSATE and isinstance(result, bool):
        # Give back the reference emit() should have handed us; ours is dropped on return.
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
