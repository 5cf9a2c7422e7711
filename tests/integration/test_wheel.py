"""The installable wheel: built from the source, installed into a throwaway venv, it runs.

Nothing is downloaded: the wheel is built with the dev venv's own setuptools (no isolated
build environment) and installed with ``--no-deps --no-index``; the throwaway venv then sees
the dev venv's site-packages (the dependencies) through a ``.pth`` file naming that folder.
A folder named that way is only appended to ``sys.path``: the ``.pth`` files inside it are
not read, so the dev venv's editable ``pos_app`` stays out and the installed copy is the one
that runs (asserted below). Every file of the source package must be in the installed one:
a pattern missing from ``[tool.setuptools.package-data]`` fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

import pos_app

# One worker builds and installs once for all the tests of this module (make test: loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

SOURCE_PACKAGE = Path(pos_app.__file__).resolve().parent
ROOT = SOURCE_PACKAGE.parent
# What the wheel is built from: the rest of the repository (docs, tests, .git) is not read.
BUILD_INPUTS = ("pyproject.toml", "README.md")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc")


@dataclass(frozen=True)
class Installed:
    """The throwaway venv with the wheel installed."""

    python: Path
    pos_app: Path  # its console script
    env: dict[str, str]
    cwd: Path

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a program of the venv (outside the repository, without the dev PYTHONPATH)."""
        return subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.cwd,
            timeout=timeout,
        )


def _source_files(package: Path) -> set[str]:
    """Every file of a package folder, relative to it (compiled caches left out)."""
    return {
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def _run(*args: str | Path) -> None:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{args[:4]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel from a copy of the sources, install it into a fresh venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        shutil.copy2(ROOT / name, src / name)
    # A copy: the build writes build/ and *.egg-info next to the sources, not in the repo.
    shutil.copytree(SOURCE_PACKAGE, src / "pos_app", ignore=LEFT_OUT)
    dist = tmp / "dist"
    _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, src)
    (wheel,) = dist.glob("pos_app-*.whl")

    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # The dev venv's pip installs into the new venv: no pip bootstrap, no index.
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--no-compile", "--quiet", wheel)  # fmt: skip
    # Only now the dependencies: had pip seen the dev venv's pos-app, it would keep that one.
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()
    )  # fmt: skip
    dev_site = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "dev_venv_dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in sorted(dev_site)), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POS_", "STRIPE_", "PYTHON"))}
    env |= {
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONDONTWRITEBYTECODE": "1",
        "POS_DATA_DIR": str(tmp / "data"),
        "POS_TIMEZONE": "UTC",
    }
    run_dir = tmp / "run"
    run_dir.mkdir()
    return Installed(python, venv / "bin" / "pos-app", env, run_dir)


def test_the_wheel_carries_every_file_of_the_package(installed: Installed) -> None:
    facts = installed.run(
        installed.python, "-c", "import json, pos_app; print(json.dumps(pos_app.__file__))"
    )
    assert facts.returncode == 0, facts.stderr
    package = Path(json.loads(facts.stdout)).parent
    # The installed copy runs, not the repository's (editable) one.
    assert package.is_relative_to(installed.python.parent.parent)
    missing = sorted(_source_files(SOURCE_PACKAGE) - _source_files(package))
    assert missing == [], f"not in the wheel (pyproject.toml package-data?): {missing}"


def test_what_the_app_reads_at_run_time_comes_from_the_installed_package(
    installed: Installed,
) -> None:
    # Each place a module finds a file next to itself, asked of the installed modules.
    probe = """
import json, pos_app
from pathlib import Path
from pos_app.resources import APP_ICON_SVG, ICON_SIZES, app_icon_png
from pos_app.sandbox.page import TEMPLATES_DIR
from pos_app.store.database import MIGRATIONS
from pos_app.store.database import head_revision
from pos_app.ui.shell.notifier import CHIMES, bundled_sounds_dir, sound_path
from pos_app import i18n
files = [TEMPLATES_DIR / n for n in ("base.html", "pay.html", "authenticate.html",
         "message.html", "style.css")]
files += [MIGRATIONS / "env.py", MIGRATIONS / "script.py.mako", APP_ICON_SVG]
files += [app_icon_png(s) for s in ICON_SIZES]
files += [i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "pos_app.mo" for lang in i18n.SHIPPED[1:]]
from pos_app.ui.kit.script_fonts import BUNDLED
from pos_app.resources import FONTS
files += [FONTS / name for _ws, names in BUNDLED.values() for name in names]
files += [FONTS / "OFL.txt"]
print(json.dumps({
    "package": str(Path(pos_app.__file__).parent),
    "files": [str(f) for f in files],
    "missing": [str(f) for f in files if not f.is_file()],
    "sounds": [str(sound_path(n)) for n in CHIMES],
    "sounds_dir": str(bundled_sounds_dir()),
    "head": head_revision(),
    "german": (i18n.set_language("de"), i18n.gettext("Save changes"))[1],
}))
"""
    facts = installed.run(installed.python, "-c", probe)
    assert facts.returncode == 0, facts.stderr
    found = json.loads(facts.stdout)
    package = Path(found["package"])
    assert found["missing"] == []
    assert all(Path(f).is_relative_to(package) for f in found["files"])
    # The bundled chimes, not the ones generated into a temporary folder when none ship.
    assert found["sounds"] and all(
        Path(s).parent == package / "resources" / "sounds" for s in found["sounds"]
    )
    assert Path(found["sounds_dir"]) == package / "resources" / "sounds"
    # Alembic sees every migration the source tree has.
    versions = sorted((SOURCE_PACKAGE / "store" / "migrations" / "versions").glob("0*.py"))
    assert found["head"] == versions[-1].name.split("_")[0]
    # The installed catalogs are the ones read: German comes back translated.
    assert found["german"] == "Änderungen speichern"


def test_pos_app_version_from_the_installed_wheel(installed: Installed) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    done = installed.run(installed.pos_app, "--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"pos-app {project['version']}\n", "")


def test_the_installed_app_renders_the_charge_screen(installed: Installed) -> None:
    # Migrations, the sandbox with its hosted page (the demo day pays through it), Qt: all
    # from the installed package.
    out = installed.cwd / "charge.png"
    done = installed.run(installed.pos_app, "screenshot", "--screen", "charge", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 10_000  # a picture, not an empty frame
