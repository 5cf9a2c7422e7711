"""Build the standalone app for this OS and check it from its frozen files (`make dist`).

    .venv/bin/python packaging/build_dist.py [--out DIR] [--skip-build]

1. PyInstaller builds ``dist/pos-app/`` (or ``DIR/pos-app/``) from ``packaging/pos-app.spec``;
   the Linux desktop entry and the icon are copied beside the executable.
2. The frozen ``pos-app --version`` runs; ``pos-app screenshot --screen charge`` renders
   offscreen with a fresh data folder (the migrations and the Qt plugins come from the
   bundle); ``pos-app doctor`` starts the sandbox as the frozen executable's own child.
Prints each step's time and the folder's size; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def executable(app: Path) -> Path:
    """The frozen `pos-app` in the folder ``app``."""
    return app / ("pos-app.exe" if os.name == "nt" else "pos-app")


def _run(label: str, cmd: list[str], env: dict[str, str] | None = None) -> str:
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        print(f"{label}: FAILED after {seconds:.1f} s\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        raise SystemExit(1)
    print(f"{label}: ok in {seconds:.1f} s")
    return done.stdout


def build(out: Path) -> Path:
    """PyInstaller into ``out``, then the desktop entry and icon beside the executable."""
    _run(
        "build (PyInstaller)",
        [sys.executable, "-m", "PyInstaller", str(ROOT / "packaging" / "pos-app.spec"),
         "--noconfirm", "--distpath", str(out), "--workpath", str(out / "build"),
         "--log-level", "WARN"],
    )  # fmt: skip
    app = out / "pos-app"
    shutil.copy(ROOT / "packaging" / "pos-app.desktop", app / "pos-app.desktop")
    shutil.copy(ROOT / "pos_app" / "resources" / "icons" / "pos-app.svg", app / "pos-app.svg")
    return app


def check(app: Path) -> None:
    """The frozen executable's version, the sandbox it starts as its own child (``-m``), and
    a screenshot rendered from the bundle."""
    exe = executable(app)
    out = _run("pos-app --version (frozen)", [str(exe), "--version"])
    print(f"  {out.strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "PYTHON"))}
        env |= {"QT_QPA_PLATFORM": "offscreen", "POS_DATA_DIR": str(Path(tmp) / "data")}
        png = Path(tmp) / "charge.png"
        _run(
            "screenshot --screen charge (frozen)",
            [str(exe), "screenshot", "--screen", "charge", str(png)],
            env,
        )
        if not png.is_file() or png.stat().st_size < 10_000:
            print("screenshot: no picture was written")
            raise SystemExit(1)
        print(f"  {png.stat().st_size:,} bytes of PNG")
        # The doctor opens the app with a sandbox of its own: the frozen executable starts
        # itself with `-m pos_app.sandbox`, as Python would the module.
        report = _run("pos-app doctor, sandbox as a child (frozen)", [str(exe), "doctor"], env)
        print(f"  {report.splitlines()[1][:90]}")
    size = sum(f.stat().st_size for f in app.rglob("*") if f.is_file())
    print(f"{app}: {size / 1e6:.0f} MB")


def main() -> None:
    """Build (unless --skip-build) and check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where to build")
    parser.add_argument("--skip-build", action="store_true", help="check the existing build")
    args = parser.parse_args()
    app = args.out / "pos-app" if args.skip_build else build(args.out)
    check(app)


if __name__ == "__main__":
    main()
