"""What the app stylesheet costs on a whole-window repaint of the main window (issue 12).

    .venv/bin/python bench/qss_repaint.py [--repaints 30] [--theme light|dark] [--sections]
        [--screen list|schedule] [--rules SECTION] [--less "A|B"] [--replace "OLD=>NEW"]

The main window on the demo day (``pos-app screenshot --screen main``'s window: 1366×768, a
paid booking selected), repainted whole ``--repaints`` times under each stylesheet
(``update()`` and the event-loop pass that paints it, as the app's repaints go); printed: the
GUI thread's CPU per repaint (``time.thread_time``, which a busy machine does not inflate),
median and minimum. Sheets: the app's, none at all, one that matches no widget (what Qt's
stylesheet style costs by merely being there); with ``--sections`` the app's sheet less each
of its ``/* ---- … ---- */`` sections in turn, with ``--rules`` less each rule of one section,
with ``--less``/``--replace`` sheets edited by hand (which rules make the repaint slow).

Run it from the tree measured: it imports the ``pos_app`` beside ``bench/``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def sections(sheet: str) -> list[tuple[str, str]]:
    """The sheet cut at its ``/* ---- name ---- */`` headers: (name, text) in order."""
    parts = re.split(r"(/\* ---- .*? ---- \*/)", sheet)
    out = [("(head)", parts[0])]
    for header, body in zip(parts[1::2], parts[2::2], strict=True):
        out.append((header.strip("/* -"), header + body))
    return out


def rules(section: str) -> list[str]:
    """The section's rules, each from its selector to its closing brace."""
    body = re.sub(r"/\*.*?\*/", "", section, flags=re.S)
    return [rule.strip() + "}" for rule in body.split("}") if rule.strip()]


def repaint_ms(window: object, repaints: int) -> tuple[float, float]:
    """Median and minimum GUI-thread CPU (ms) of a whole-window repaint: ``update()`` and
    the event-loop pass that paints it, as the app's own repaints go."""
    from PySide6.QtWidgets import QApplication

    from pos_app.devtools.capture import pause

    pause(0.3)  # the new sheet's polish, layouts and delayed paints settle first
    times = []
    for _ in range(repaints):
        QApplication.processEvents()
        start = time.thread_time()
        window.update()  # type: ignore[attr-defined]
        QApplication.processEvents()
        times.append((time.thread_time() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    """Open the demo main window and time its repaint under each stylesheet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repaints", type=int, default=30)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--sections", action="store_true")
    parser.add_argument(
        "--rules", metavar="SECTION", help="the sheet less each rule of the section named so"
    )
    parser.add_argument(
        "--less",
        action="append",
        default=[],
        metavar="A|B",
        help="the sheet less every rule containing A or B (repeat: one sheet each)",
    )
    parser.add_argument(
        "--replace",
        action="append",
        default=[],
        metavar="OLD=>NEW",
        help="the sheet with OLD (a regular expression) replaced by NEW (repeat: one sheet each)",
    )
    parser.add_argument("--screen", choices=("list", "schedule"), default="list")
    args = parser.parse_args()

    from pos_app.devtools.capture import wait_until
    from pos_app.devtools.demo_world import seeded
    from pos_app.devtools.front_desk_screens import _main_window
    from pos_app.ui.kit import theme
    from pos_app.ui.shell.gui import ensure_application

    app = ensure_application()
    dark = args.theme == "dark"
    theme.apply_theme(app, dark=dark)
    full = theme.stylesheet(dark)
    with (
        tempfile.TemporaryDirectory(prefix="pos-qss-") as tmp,
        seeded(Path(tmp)) as (ctx, demo, _),
        _main_window(ctx) as window,
    ):
        expected = len(ctx.bookings.list_day(ctx.bookings.today()))
        wait_until(lambda: window.model.rowCount() == expected)
        window.select_booking(demo.paid)
        wait_until(lambda: window.detail.booking_id() == demo.paid)
        if args.screen == "schedule":
            window.days.show_schedule()
            wait_until(lambda: len(window.days.view.day_layout().blocks) == expected)
        sheets = [("app sheet", full), ("no sheet", ""), ("sheet matching nothing", "QFoo {}")]
        if args.sections:
            for name, text in sections(full):
                sheets.append((f"less {name}", full.replace(text, "")))
        if args.rules:
            for name, text in sections(full):
                if args.rules in name:
                    for rule in rules(text):
                        label = " ".join(rule.split())[:60]
                        sheets.append((f"less {label}", full.replace(rule, "")))
        for less in args.less:
            kept = [r for r in rules(full) if not any(part in r for part in less.split("|"))]
            sheets.append((f"less {less}"[:62], "\n".join(kept)))
        for change in args.replace:
            old, new = change.split("=>")
            sheets.append((change[:62], re.sub(old, new, full)))
        sheets.append(("app sheet again", full))
        print(f"{args.theme}, {args.screen}, {args.repaints} repaints of {window.size().toTuple()}")
        for label, sheet in sheets:
            app.setStyleSheet(sheet)
            med, low = repaint_ms(window, args.repaints)
            print(f"  {label:<62} median {med:5.2f} ms  min {low:5.2f} ms")
        app.setStyleSheet(full)


if __name__ == "__main__":
    main()
