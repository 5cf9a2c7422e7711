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


def test_a_service_on_first_use_is_built_once_even_when_asked_from_two_threads() -> None:
    import threading
    import time

    from pos_app.app import ServicesOnFirstUse

    built: list[object] = []

    def slow() -> object:
        time.sleep(0.05)  # both threads ask while the first is still building
        made = object()
        built.append(made)
        return made

    later = ServicesOnFirstUse({"slow": slow, "uses_slow": lambda: ("wrapped", later.get("slow"))})
    assert "slow" in later and "other" not in later and not later.made("slow")
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(later.get("slow"))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and got == [built[0], built[0]]
    assert later.get("uses_slow") == ("wrapped", built[0])  # a builder may ask for another
    assert later.made("slow") and len(built) == 1


def test_the_app_builds_its_later_services_on_first_use_and_hands_out_one_each(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from pos_app.app import open_app
    from pos_app.config import load_config

    ctx = open_app(
        load_config({"POS_DATA_DIR": str(tmp_path), "POS_TIMEZONE": "UTC"}), sandbox="none"
    )
    try:
        later = ctx.on_first_use
        assert later is not None
        names = ["receipts", "reports", "csv_export", "reconciliation", "products"]
        names += ["promo_codes", "pricing", "orders", "day_close", "doctor"]
        assert [name for name in names if later.made(name)] == []  # none built by opening
        reports = ctx.reports
        assert later.made("reports") and ctx.reports is reports
        assert ctx.csv_export._reports is reports  # the same one, injected
        assert ctx.day_close._reports is reports
        assert ctx.reconciliation is ctx.reconciliation
        copy = replace(ctx, config=ctx.config)  # a copied context shares them
        assert copy.reports is reports and copy.doctor is ctx.doctor
        fake = object()
        ctx.orders = fake  # type: ignore[assignment]  # tests swap a service in
        assert ctx.orders is fake
        with pytest.raises(AttributeError):
            ctx.no_such_service  # type: ignore[attr-defined]  # noqa: B018
    finally:
        ctx.close()
