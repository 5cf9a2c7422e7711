"""Wiring happens only in ``app.py`` (issue 12): a service gets the services it calls injected
once, by ``app.wire_services``; no module of ``pos_app.services`` constructs one itself.

"A service" here is any class of ``pos_app.services`` built over the adapters, i.e. whose
``__init__`` takes ``deps``: the use cases, and the collaborators with state of their own
(sign-in throttle, retention pacing, the doctor's test session)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pos_app.services

pytestmark = pytest.mark.source_tree  # mutation runs leave it out: see tests/conftest.py

SERVICES = Path(pos_app.services.__file__).resolve().parent


def _init_takes_deps(node: ast.ClassDef) -> bool:
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            names = [a.arg for a in item.args.args + item.args.kwonlyargs]
            return "deps" in names
    return False


def service_classes(folder: Path) -> set[str]:
    """Names of the classes in ``folder``'s modules whose ``__init__`` takes ``deps``."""
    found: set[str] = set()
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and _init_takes_deps(node)
        }
    return found


def constructions(folder: Path, classes: set[str]) -> list[str]:
    """Every call of one of ``classes`` in ``folder``'s modules, as "module:line Class"."""
    found: list[str] = []
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in classes:
                found.append(f"{path.stem}:{node.lineno} {name}")
    return found


def test_no_service_constructs_another() -> None:
    classes = service_classes(SERVICES)
    # The scan found the services (else the check below passes by finding nothing).
    assert {"BookingService", "SyncService", "RefundService", "Retention"} <= classes
    assert constructions(SERVICES, classes) == []


def test_the_app_wires_every_service_it_hands_out() -> None:
    from pos_app.app import Services, wire_services
    from pos_app.services.checkout import CheckoutService
    from pos_app.services.context import Deps

    fields = set(Services.__dataclass_fields__)
    assert {"bookings", "cash", "sync", "refunds", "people", "csv_export"} <= fields
    # The collaborators are the ones handed out, not private copies: one checkout service.
    deps = Deps(uow=None, gateway=None, clock=None, policy=None)  # type: ignore[arg-type]
    services = wire_services(deps)
    assert isinstance(services.checkout, CheckoutService)
    assert services.bookings._checkout is services.checkout
    assert services.cash._checkout is services.checkout
    assert services.sync._checkout is services.checkout
    assert services.sync._refunds is services.refunds
    assert services.refunds._managers is services.people
    assert services.csv_export._reports is services.reports


def test_the_check_finds_a_service_built_inside_another(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "class AService:\n    def __init__(self, deps):\n        self._d = deps\n",
        encoding="utf-8",
    )
    (tmp_path / "b.py").write_text(
        "from a import AService\n"
        "import a\n"
        "class Plain:\n    def __init__(self, x):\n        pass\n"
        "class BService:\n"
        "    def __init__(self, deps, *, a_service):\n"
        "        self._a = AService(deps)\n"
        "        self._other = a.AService(deps)\n"
        "        self._plain = Plain(1)\n",
        encoding="utf-8",
    )
    classes = service_classes(tmp_path)
    assert classes == {"AService", "BService"}
    assert constructions(tmp_path, classes) == ["b:8 AService", "b:9 AService"]
